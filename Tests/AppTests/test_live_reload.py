"""Live code under real Gunicorn with the repo's gunicorn.conf.py against a real MariaDB: a save
that fails to import never takes the server down, a fix is live within a second, and no request
ever goes unanswered meanwhile."""
import os
import shutil
import subprocess
import tempfile
import threading
import time

import pytest

from harness import Gunicorn, children_of, edit_greeting, get, wait_until

GREETING = 'Hello Devops 123, 1234!'


def read(path):
    with open(path) as f:
        return f.read()


def save(path, text):
    """An editor's save: write a temporary file, rename it over the original."""
    with open(path + '.tmp', 'w') as f:
        f.write(text)
    os.rename(path + '.tmp', path)
    return time.time()


def append(line):
    return lambda source: source.replace('\nif __name__ ==', '\n' + line + '\n\nif __name__ ==')


# Each kind of mistake that fails at import, and the last line of its traceback.
MISTAKES = {
    'name-error': (append('x_not_defined + 1'), "NameError: name 'x_not_defined' is not defined"),
    'missing-module': (append('import no_such_module_here'), 'ImportError: No module named no_such_module_here'),
    'application-renamed': (lambda s: s.replace('application = flask.Flask', 'app = flask.Flask')
                            .replace('@application.route', '@app.route').replace('application.debug', 'app.debug'),
                            "AppImportError: Failed to find application object 'application' in 'application'"),
    'module-level-exception': (append("raise RuntimeError('broken at import')"), 'RuntimeError: broken at import'),
    'syntax-error': (append('def broken(:'), 'SyntaxError: invalid syntax'),
    # Python 2 raises instances of old-style classes too; they are not an Exception (issue 20.1).
    'old-style-class-raised': (append("class LegacyError:\n    def __str__(self):\n        return 'raised at import'\n"
                                      "raise LegacyError()"), 'LegacyError: raised at import'),
}


class Hammer(object):
    """GETs the app back to back on a thread and keeps every answer: an answer is a status code,
    None means no HTTP answer at all (refused, reset, timed out)."""

    def __init__(self, url):
        self.url = url
        self.answers = []
        self.running = True
        self.thread = threading.Thread(target=self.run)
        self.thread.daemon = True
        self.thread.start()

    def run(self):
        while self.running:
            status, body = get(self.url, timeout=5)
            self.answers.append((time.time(), status, body[:200]))

    def stop(self):
        self.running = False
        self.thread.join(10)
        return self.answers


def last_line(body):
    return body.strip().splitlines()[-1] if body.strip() else ''


def wait_for_traceback(url, expected):
    def bad():
        status, body = get(url)
        return status == 500 and last_line(body) == expected and body
    return wait_until(bad, 5, interval=0.01, what='500 with %r' % expected)


def fix_and_measure(gunicorn, original, greeting):
    saved = save(gunicorn.app_file(), original.replace('Hello Devops 123', greeting))
    expected = greeting + ', 1234!'
    wait_until(lambda: get(gunicorn.url)[1] == expected, 5, interval=0.005, what='the fix to be live')
    return time.time() - saved


def assert_always_answered(answers):
    assert len(answers) > 20, 'the hammer made only %d requests' % len(answers)
    unanswered = [a for a in answers if a[1] not in (200, 500)]
    assert not unanswered, unanswered[:3]


@pytest.mark.parametrize('kind', sorted(MISTAKES))
def test_a_bad_save_answers_500_with_the_traceback_and_the_fix_is_live(gunicorn, kind):
    mistake, expected = MISTAKES[kind]
    master = gunicorn.proc.pid
    original = read(gunicorn.app_file())
    assert get(gunicorn.url) == (200, GREETING)
    hammer = Hammer(gunicorn.url)
    try:
        save(gunicorn.app_file(), mistake(original))
        body = wait_for_traceback(gunicorn.url, expected)
        assert body.startswith('Traceback (most recent call last):'), body[:300]
        # Every worker serves it, not only one: a series of requests all get it.
        answers = [get(gunicorn.url) for _ in range(20)]
        assert all(a[0] == 500 and last_line(a[1]) == expected for a in answers), answers[:2]
        took = fix_and_measure(gunicorn, original, 'Hello Devops 321')
    finally:
        answers = hammer.stop()
    assert took < 1.0, 'the fix took %.2f s to be live' % took
    assert_always_answered(answers)
    assert gunicorn.proc.poll() is None and gunicorn.proc.pid == master
    log = gunicorn.output()
    # Logged once (one worker speaks for all), not once per worker or per request.
    assert log.count(expected) == 1, log[-3000:]
    assert 'App failed to load' not in log and 'Shutting down' not in log


def test_two_mistakes_in_a_row_then_the_fix(gunicorn):
    master = gunicorn.proc.pid
    original = read(gunicorn.app_file())
    hammer = Hammer(gunicorn.url)
    try:
        first, first_line = MISTAKES['name-error']
        second, second_line = MISTAKES['missing-module']
        save(gunicorn.app_file(), first(original))
        wait_for_traceback(gunicorn.url, first_line)
        save(gunicorn.app_file(), second(original))
        wait_for_traceback(gunicorn.url, second_line)
        took = fix_and_measure(gunicorn, original, 'Hello Devops 654')
    finally:
        answers = hammer.stop()
    assert took < 1.0, 'the fix took %.2f s to be live' % took
    assert_always_answered(answers)
    statuses = [a[1] for a in answers]
    assert 500 in statuses and statuses[-1] == 200
    assert gunicorn.proc.poll() is None and gunicorn.proc.pid == master
    log = gunicorn.output()
    assert log.count(first_line) == 1 and log.count(second_line) == 1, log[-3000:]


def test_a_broken_app_at_start_is_served_as_500_then_fixed(mariadb):
    server = Gunicorn(mariadb.env())
    original = read(server.app_file())
    mistake, expected = MISTAKES['name-error']
    save(server.app_file(), mistake(original))
    try:
        server.start()
        wait_for_traceback(server.url, expected)
        assert fix_and_measure(server, original, 'Hello Devops 987') < 1.0
        assert server.proc.poll() is None
    finally:
        server.stop()


def test_an_exception_in_the_view_is_a_500_for_that_request_only(gunicorn):
    original = read(gunicorn.app_file())
    view = original.replace('  storage = Storage()\n',
                            "  if flask.request.args.get('boom'):\n    raise RuntimeError('boom in the view')\n"
                            '  storage = Storage()\n', 1)
    assert view != original
    save(gunicorn.app_file(), view.replace('Hello Devops 123', 'Hello Devops 124'))
    wait_until(lambda: get(gunicorn.url)[1] == 'Hello Devops 124, 1234!', 5, what='the view edit to be live')
    booted = gunicorn.output().count('Booting worker')
    for _ in range(5):
        status, _ = get(gunicorn.url + '?boom=1')
        assert status == 500
        assert get(gunicorn.url) == (200, 'Hello Devops 124, 1234!')
    # No worker was replaced for it: the error stays with its request.
    assert gunicorn.output().count('Booting worker') == booted
    assert 'RuntimeError: boom in the view' in gunicorn.output()


def test_no_answer_is_stale_once_an_edit_answered(gunicorn):
    for n in range(3):
        greeting = 'Hello Devops %d' % (400 + n)
        edit_greeting(gunicorn.app_file(), greeting)
        wait_until(lambda: get(gunicorn.url)[1] == greeting + ', 1234!', 5, interval=0.002, what='edit live')
        seen = [get(gunicorn.url)[1] for _ in range(50)]
        assert all(body == greeting + ', 1234!' for body in seen), [b for b in seen if not b.startswith(greeting)][:3]


def test_a_quick_second_save_is_not_missed(gunicorn):
    # The second save lands while the first one's workers boot.
    for n in range(5):
        edit_greeting(gunicorn.app_file(), 'Hello Devops %d' % (700 + n))
        time.sleep(0.01 + 0.02 * n)
        edit_greeting(gunicorn.app_file(), 'Hello Devops %d' % (800 + n))
        expected = 'Hello Devops %d, 1234!' % (800 + n)
        wait_until(lambda: get(gunicorn.url)[1] == expected, 2, interval=0.005, what='the second save live')


def test_the_master_preloads_libraries_but_never_the_app(mariadb):
    server = Gunicorn(mariadb.env())
    marker = ("import os as _os\nopen(_os.path.join(_os.path.dirname(_os.path.abspath(__file__)), "
              "'imported-by-%d' % _os.getpid()), 'w').close()")
    save(server.app_file(), append(marker)(read(server.app_file())))
    try:
        server.start()
        master = server.proc.pid
        importers = [int(n.split('-')[-1]) for n in os.listdir(server.dir) if n.startswith('imported-by-')]
        assert importers and master not in importers, (master, importers)
        with open('/proc/%d/maps' % master) as f:
            maps = f.read()
        assert '_mysql' in maps, 'MySQLdb is not loaded in the master'
    finally:
        server.stop()


def test_missing_variable_is_served_as_a_500_in_reload_mode(mariadb):
    env = mariadb.env()
    del env['MYSQL_PORT']
    server = Gunicorn(env)
    server.env.pop('MYSQL_PORT', None)
    try:
        server.start()
        body = wait_for_traceback(server.url, 'RuntimeError: missing environment variable(s): MYSQL_PORT '
                                              '(set them in the Secret mysql-credentials)')
        assert body
        assert server.proc.poll() is None
    finally:
        server.stop()


def test_a_module_shadowing_the_standard_library_does_not_poison_the_master(mariadb):
    """Gunicorn makes the app folder sys.path[0] before the master preloads Flask, which imports
    uuid (issue 20.2): an app/uuid.py there at start used to leave half-imported flask modules in
    the master, inherited by every worker, so even after the file was renamed every reload answered
    'ImportError: cannot import name json' until the pod restarted."""
    server = Gunicorn(mariadb.env())
    shadow = os.path.join(server.dir, 'uuid.py')
    with open(shadow, 'w') as f:
        f.write('# the app\'s own ids, named like the standard module\ndef new_id():\n    return 7\n')
    # The config imports the engine without the app folder on sys.path too.
    with open(os.path.join(server.dir, 'devenv_reload.py'), 'w') as f:
        f.write('raise RuntimeError("the app\'s devenv_reload.py was imported by the config")\n')
    try:
        server.start()
        # The master preloaded Flask with the standard uuid: the app (which does not import uuid) works.
        assert get(server.url) == (200, GREETING), server.output()[-2000:]
        os.rename(shadow, os.path.join(server.dir, 'ids.py'))
        renamed = time.time()
        wait_until(lambda: get(server.url) == (200, GREETING) and 'Worker reloading' in server.output(), 5,
                   interval=0.005, what='the rename to be live')
        assert time.time() - renamed < 1.0
        assert get(server.url) == (200, GREETING)
        assert server.proc.poll() is None
    finally:
        server.stop()


ORPHAN_VIEW = '''
@application.route('/orphan')
def orphan():
  import subprocess
  # A background job that outlives its shell: re-parented to PID 1, it exits with status 3.
  subprocess.call(['sh', '-c', '(sleep 0.2; touch "$0"; exit 3) &', flask.request.args['mark']])
  return 'started'
'''


def test_an_orphan_exiting_3_does_not_stop_the_master_as_pid_1(mariadb):
    """In the pod Gunicorn is PID 1 and reaps every orphan; Gunicorn 19.10.0's reap_workers reads
    exit status 3 (a worker failed to boot) before it checks the pid is a worker's, and halts
    (issue 20.4). The view here leaves such a job behind, as a view starting a tool could."""
    server = Gunicorn(mariadb.env(), pid1=True)
    save(server.app_file(), append(ORPHAN_VIEW)(read(server.app_file())))
    mark = os.path.join(server.dir, 'orphan-done')
    try:
        server.start()
        master = server.master_pid()
        assert open('/proc/%d/status' % master).read().count('NSpid:') == 1
        nspid = [l for l in open('/proc/%d/status' % master).read().splitlines() if l.startswith('NSpid:')][0]
        assert nspid.split()[-1] == '1', 'the master is not PID 1 of its namespace: %s' % nspid
        assert get(server.url + 'orphan?mark=' + mark) == (200, 'started')
        wait_until(lambda: os.path.exists(mark), 10, what='the orphan to finish')
        # Once it has exited, the master reaps it (a zombie child of the master until then).
        wait_until(lambda: not [c for c in children_of(master) if c[1] == 'sh'], 10, what='the orphan to be reaped')
        assert get(server.url) == (200, GREETING)
        assert server.proc.poll() is None, server.output()[-2000:]
        assert 'Worker failed to boot' not in server.output()
    finally:
        server.stop()


def test_deleting_a_module_reloads_once(mariadb):
    server = Gunicorn(mariadb.env())
    helpers = os.path.join(server.dir, 'helpers.py')
    with open(helpers, 'w') as f:
        f.write('HELPED = True\n')
    try:
        server.start()
        os.remove(helpers)
        wait_until(lambda: 'helpers.py modified' in server.output(), 5, what='the deletion to start a reload')
        # A new module is only found by a relist of its folder, the relist that would report the
        # deletion a second time: once it is seen, that relist has happened.
        save(os.path.join(server.dir, 'marker.py'), 'MARK = 1\n')
        wait_until(lambda: 'marker.py modified' in server.output(), 5, what='the new module to be seen')
        assert server.output().count('helpers.py modified') == 1, server.output()[-3000:]
        assert get(server.url) == (200, GREETING)
    finally:
        server.stop()


def compile_pyc(path):
    """What a `python` run on the host leaves beside a module: its bytecode, stamped with the
    source's mtime in whole seconds."""
    python = os.environ.get('PYTHON27') or 'python2.7'
    subprocess.check_call([python, '-c', 'import py_compile, sys; py_compile.compile(sys.argv[1], doraise=True)',
                           path])
    assert os.path.exists(path + 'c')


def test_source_always_wins_over_bytecode_left_in_the_app_folder(mariadb):
    """Python 2 imports x.pyc when its recorded mtime (whole seconds) equals x.py's, whatever the
    source says now, and imports an orphan x.pyc whose x.py is gone (issue 20.7)."""
    server = Gunicorn(mariadb.env())
    path = server.app_file()
    original = read(path)
    second = int(time.time()) - 100
    # The host ran the app once (bytecode of the old greeting), then the file was saved again in
    # the same second.
    save(path, original.replace('Hello Devops 123', 'Hello Devops 111'))
    os.utime(path, (second, second))
    compile_pyc(path)
    save(path, original.replace('Hello Devops 123', 'Hello Devops 222'))
    os.utime(path, (second, second))
    helpers = os.path.join(server.dir, 'helpers.py')
    save(helpers, 'WORD = "helped"\n')
    compile_pyc(helpers)
    try:
        server.start()
        assert get(server.url) == (200, 'Hello Devops 222, 1234!')
        # A module deleted on the host stays deleted, though its .pyc is still there.
        save(path, append('import helpers')(read(path)).replace('Hello Devops 222', 'Hello Devops 444'))
        wait_until(lambda: get(server.url) == (200, 'Hello Devops 444, 1234!'), 5, what='the import of helpers')
        os.remove(helpers)
        wait_for_traceback(server.url, 'ImportError: No module named helpers')
    finally:
        server.stop()


def test_no_bytecode_is_written_without_pythondontwritebytecode(mariadb):
    """The image sets PYTHONDONTWRITEBYTECODE and the test runner exports it: here it is unset,
    as in any other environment, and still no .pyc appears beside a module the app imports,
    in the app folder or in a library folder."""
    library = tempfile.mkdtemp(prefix='devenv-lib-')
    save(os.path.join(library, 'libmod.py'), 'LIB = 1\n')
    server = Gunicorn(mariadb.env())
    server.env.pop('PYTHONDONTWRITEBYTECODE', None)
    server.env['PYTHONPATH'] = os.pathsep.join([server.env['PYTHONPATH'], library])
    save(os.path.join(server.dir, 'helpers.py'), 'WORD = "helped"\n')
    save(server.app_file(), append('import helpers, libmod')(read(server.app_file())))
    try:
        server.start()
        assert get(server.url) == (200, GREETING)
        edit_greeting(server.app_file(), 'Hello Devops 333')
        wait_until(lambda: get(server.url)[1] == 'Hello Devops 333, 1234!', 5, what='the edit to be live')
        written = [name for folder in (server.dir, library) for name in os.listdir(folder) if name.endswith('.pyc')]
        assert written == [], written
    finally:
        server.stop()
        shutil.rmtree(library, ignore_errors=True)


def _truncated_then_written(server, original):
    path = server.app_file()
    open(path, 'w').close()  # a tool that writes in place: truncate first...
    time.sleep(0.2)  # ...the rest a moment later (the user's timing, not a wait for the server)
    with open(path, 'w') as f:
        f.write(original.replace('Hello Devops 123', 'Hello Devops 555'))
    return 'Hello Devops 555, 1234!'


def _two_files_a_moment_apart(server, original):
    # A checkout or a refactoring writes one file, then the other: between them the app imports a
    # name that does not exist yet.
    save(server.app_file(), append('from helpers import SUFFIX')(original).replace('Hello Devops 123', 'Hello Devops 556'))
    time.sleep(0.1)
    save(os.path.join(server.dir, 'helpers.py'), 'SUFFIX = "!"\n')
    return 'Hello Devops 556, 1234!'


@pytest.mark.parametrize('change', [_truncated_then_written, _two_files_a_moment_apart],
                         ids=['truncated-then-written-0.2-s-later', 'two-files-0.1-s-apart'])
def test_a_change_written_in_steps_never_answers_its_half_done_state(gunicorn, change):
    """The old engine handed off to workers that imported the first step (issue 20.5): tens of
    500s until the second step went live."""
    original = read(gunicorn.app_file())
    hammer = Hammer(gunicorn.url)
    try:
        wait_until(lambda: len(hammer.answers) > 5, 5, what='requests to flow')
        expected = change(gunicorn, original)
        wait_until(lambda: get(gunicorn.url)[1] == expected, 5, interval=0.005, what='the whole change to be live')
    finally:
        answers = hammer.stop()
    assert_always_answered(answers)
    errors = [a for a in answers if a[1] != 200]
    assert not errors, '%d answers were %s' % (len(errors), errors[0])


SLOW_VIEW = '''
@application.route('/slow')
def slow():
  import time
  open(flask.request.args['mark'], 'w').close()
  end = time.time() + float(flask.request.args['seconds'])
  while time.time() < end:  # Python 2's sleep ends early on a signal, such as SIGTERM to retire
    time.sleep(end - time.time())
  return 'slow done'
'''


def test_a_save_while_the_old_workers_leave_is_not_lost(mariadb):
    """A save that lands while a reload is under way must go live too (issue 19.5: it was lost in
    about 1 run in 6, by chance of timing). Here it lands in the window on purpose: after the new
    workers reported ready, before the old ones are gone, held open by an old worker that finishes
    a slow request first."""
    server = Gunicorn(mariadb.env())
    save(server.app_file(), append(SLOW_VIEW)(read(server.app_file())))
    mark = os.path.join(server.dir, 'slow-started')
    slow_answers = []
    slow = threading.Thread(target=lambda: slow_answers.append(
        get(server.url + 'slow?seconds=3&mark=' + mark, timeout=15)))
    try:
        server.start()
        slow.start()
        wait_until(lambda: os.path.exists(mark), 5, what='the slow request to start')
        edit_greeting(server.app_file(), 'Hello Devops 601')
        wait_until(lambda: 'New workers ready' in server.output(), 5, interval=0.002, what='the hand-off')
        edit_greeting(server.app_file(), 'Hello Devops 602')
        assert slow.is_alive(), 'the save was meant to land before the old worker with the slow request left'
        wait_until(lambda: get(server.url)[1] == 'Hello Devops 602, 1234!', 10, what='the second save to be live')
        slow.join(15)
        assert slow_answers == [(200, 'slow done')], 'the old worker did not finish its request'
    finally:
        server.stop()


# Each way a worker can die while importing the app, and what the page then says.
CRASHES = {
    'os-exit': ('import os\nos._exit(1)',
                'The app could not be loaded: the worker importing it exited with status 1'),
    # 3 and 4 are Gunicorn's "Worker failed to boot" and "App failed to load": its reaper halts
    # the master on either, whatever the worker was doing.
    'os-exit-3': ('import os\nos._exit(3)',
                  'The app could not be loaded: the worker importing it exited with status 3'),
    'os-exit-4': ('import os\nos._exit(4)',
                  'The app could not be loaded: the worker importing it exited with status 4'),
    'segfault': ('import ctypes\nctypes.string_at(0)',
                 'The app could not be loaded: the worker importing it was killed by SIGSEGV'),
    'killed-as-by-the-oom-killer': ('import os, signal\nos.kill(os.getpid(), signal.SIGKILL)',
                                    'The app could not be loaded: the worker importing it was killed by SIGKILL'),
}


def wait_for_page(url, first_line, timeout=5):
    def page():
        status, body = get(url)
        return status == 500 and body.startswith(first_line) and body
    return wait_until(page, timeout, interval=0.01, what='500 starting %r' % first_line)


@pytest.mark.parametrize('kind', sorted(CRASHES))
def test_a_crash_while_importing_answers_500_with_the_cause_and_the_fix_is_live(gunicorn, kind):
    """A worker that dies while importing (a segfault, os._exit, the OOM killer) made Gunicorn
    respawn new workers in a loop; after the old hand-off limit the good old workers were retired
    anyway and requests waited in the backlog (issue 20.8). Now the next workers answer 500 naming
    the cause, every request gets an answer, and the next good save is live."""
    code, first_line = CRASHES[kind]
    master = gunicorn.proc.pid
    original = read(gunicorn.app_file())
    hammer = Hammer(gunicorn.url)
    try:
        save(gunicorn.app_file(), append(code)(original))
        body = wait_for_page(gunicorn.url, first_line)
        assert 'Every request answers this 500 until a save loads' in body, body
        took = fix_and_measure(gunicorn, original, 'Hello Devops 777')
    finally:
        answers = hammer.stop()
    assert took < 1.0, 'the fix took %.2f s to be live' % took
    assert_always_answered(answers)
    assert gunicorn.proc.poll() is None and gunicorn.proc.pid == master
    # Not a respawn loop: a few workers died importing, not dozens.
    assert gunicorn.output().count('The app could not be loaded') <= 3, gunicorn.output()[-3000:]


def test_an_endless_loop_at_import_ends_at_the_worker_timeout_with_where_it_was(mariadb):
    """The old code keeps answering until Gunicorn's worker timeout stops the stuck import; then
    every request answers 500 naming the timeout and the line the import was stuck on."""
    server = Gunicorn(dict(mariadb.env(), GUNICORN_TIMEOUT='2'))
    try:
        server.start()
        original = read(server.app_file())
        hammer = Hammer(server.url)
        try:
            save(server.app_file(), append('while True:\n    pass  # stuck here')(original))
            try:
                body = wait_for_page(server.url, 'The app could not be loaded: it was still importing after the '
                                                 'worker timeout (2 s); it was here:', timeout=15)
            except AssertionError:
                raise AssertionError('\n'.join(l for l in server.output().splitlines() if 'GET /' not in l)[-5000:])
            assert 'application.py", line' in body and ('while True:' in body or 'stuck here' in body), body
            fix_and_measure(server, original, 'Hello Devops 778')
        finally:
            answers = hammer.stop()
        assert_always_answered(answers)
        # Until the timeout, the previous code answered.
        before_page = [a for a in answers if a[1] == 500]
        first_500 = before_page[0][0] if before_page else None
        assert first_500 and [a for a in answers if a[0] < first_500 and a[1] == 200 and a[2] == GREETING]
        assert server.proc.poll() is None
    finally:
        server.stop()


def test_a_crash_while_importing_at_start_up_answers_500_with_the_cause(mariadb):
    """No previous code to keep serving: the page from the start, no respawn loop."""
    server = Gunicorn(mariadb.env())
    original = read(server.app_file())
    code, first_line = CRASHES['os-exit']
    save(server.app_file(), append(code)(original))
    try:
        server.start()
        wait_for_page(server.url, first_line)
        assert fix_and_measure(server, original, 'Hello Devops 779') < 1.0
        assert server.output().count('The app could not be loaded') <= 3, server.output()[-3000:]
    finally:
        server.stop()


# README ("Edit and reload"): a new module is served within 0.6 s.
NEW_MODULE_NOTICED_WITHIN = 0.6


def test_a_new_module_is_served(mariadb):
    """A module that did not exist is only found by a relist of its folder, which the engine does
    less often than it polls the files: a slower relist (issue 19.9: 0.5 s became 10 s unnoticed)
    fails here. The bound has a second's margin over the README's figure."""
    server = Gunicorn(mariadb.env())
    optional = ("try:\n  from extra import SUFFIX\nexcept ImportError:\n  SUFFIX = ''\n")
    source = append(optional)(read(server.app_file())).replace('"Hello Devops 123, %d!" % score',
                                                               '"Hello Devops 123, %d!%s" % (score, SUFFIX)')
    assert 'SUFFIX)' in source
    save(server.app_file(), source)
    try:
        server.start()
        assert get(server.url) == (200, GREETING)
        created = save(os.path.join(server.dir, 'extra.py'), 'SUFFIX = " (with extra)"\n')
        wait_until(lambda: get(server.url)[1] == GREETING + ' (with extra)', 10, interval=0.01,
                   what='the new module to be served')
        took = time.time() - created
        assert took < NEW_MODULE_NOTICED_WITHIN + 1.0, 'the new module took %.2f s to be served' % took
    finally:
        server.stop()
