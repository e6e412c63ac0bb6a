"""The real app under real Gunicorn on an interpreter that has only what app/Dockerfile's runtime
stage gives it (see runtime_image.py), against the real MariaDB.

Stand-ins, so a pass here is not a built image: the test Python 2.7.18 for Alpine's python2 2.7,
mysqlclient 1.4.6 for MySQL-python 1.2.5 (same MySQLdb module; 1.2.5 does not build against
Debian's MariaDB Connector/C), Debian's libmariadb for Alpine's mariadb-client-libs."""
import os
import re

import pytest

import runtime_image
from harness import APP_DIR, Gunicorn, get

GREETING = 'Hello Devops 123, 1234!'


@pytest.fixture(scope='module')
def runtime():
    try:
        model = runtime_image.Runtime()
    except runtime_image.ModelError as e:
        pytest.fail('app/Dockerfile breaks a rule of the image: %s' % e, pytrace=False)
    model.site, model.python = model.prepare()
    return model


def needed_modules(model):
    """What the CMD imports outside the standard library: its console script's module, and the
    third-party imports of the config file and the app it loads (whether the runtime has them or not)."""
    assert model.cmd[0] == 'gunicorn', model.cmd
    target = runtime_image.entry_point(model.site, 'gunicorn', 'gunicorn')
    assert target, 'the runtime has no gunicorn console script (is gunicorn in app/requirements.txt?)'
    modules = [target.split(':')[0]]
    files = [os.path.join(APP_DIR, name) for name in ('gunicorn.conf.py', 'application.py')]
    for module in runtime_image.third_party_imports(model.base_python, model.python, files, APP_DIR):
        if module not in modules:
            modules.append(module)
    return modules


def explain(model, what, output):
    missing = runtime_image.missing_module(output)
    why = ': module %s is missing' % missing if missing else ''
    last = output.splitlines()[-1] if output else ''
    return ('the image\'s runtime stage cannot %s%s.\napp/Dockerfile runtime stage gives: %s.\nLast output: %s'
            % (what, why, model.describe(), last))


def test_the_harness_runs_what_the_cmd_runs(runtime):
    # Gunicorn() below starts `python -m gunicorn.app.wsgiapp`; the image's CMD starts the
    # `gunicorn` console script. Same code only if the script's entry point is that module's run().
    assert runtime_image.entry_point(runtime.site, 'gunicorn', 'gunicorn') == 'gunicorn.app.wsgiapp:run'


def test_the_model_hides_the_test_pythons_own_packages(runtime):
    ok, out = runtime_image.try_import(runtime.python, 'pytest')
    assert not ok and runtime_image.missing_module(out) == 'pytest', out
    # site disabled: .pth files in the site folder would not run here but would in the image.
    assert not [f for f in os.listdir(runtime.site) if f.endswith('.pth')]


def test_runtime_stage_can_import_everything_the_cmd_needs(runtime):
    failures = []
    for module in needed_modules(runtime):
        ok, out = runtime_image.try_import(runtime.python, module)
        if not ok:
            failures.append(explain(runtime, 'import ' + module, out))
    assert not failures, '\n\n'.join(failures)


def test_real_app_serves_the_greeting_on_the_runtime_stage(runtime, mariadb):
    server = Gunicorn(mariadb.env(), python=runtime.python, workers=1)
    try:
        try:
            server.start()
        except RuntimeError as e:
            pytest.fail(explain(runtime, 'start its CMD (%s)' % ' '.join(runtime.cmd), str(e)))
        assert get(server.url) == (200, GREETING), server.output()[-1500:]
    finally:
        server.stop()


def smoke_step(model):
    """The commands of the runtime stage's last RUN (the build-time import check), as argv lists."""
    runs = [args for keyword, args in model.stages[-1]['instructions'] if keyword == 'RUN']
    return runtime_image.shell_commands(runs[-1]) if runs else []


def test_dockerfile_ends_with_an_import_check_of_what_the_cmd_needs(runtime):
    commands = smoke_step(runtime)
    codes = [argv[argv.index('-c') + 1] for argv in commands
             if argv and re.match(r'^python2?(\.7)?$', os.path.basename(argv[0])) and '-c' in argv[:-1]]
    assert codes, ('the runtime stage of app/Dockerfile must end with RUN python2 -c "import ..." of what '
                   'the CMD needs, so a missing runtime dependency fails `docker build`, not a pod')
    imported = set(re.findall(r'[A-Za-z_][A-Za-z0-9_.]*', ' '.join(codes)))
    # `import a.b` imports package a too.
    missing = [m for m in needed_modules(runtime) if not any(i == m or i.startswith(m + '.') for i in imported)]
    assert not missing, 'the import check in app/Dockerfile does not import %s' % ', '.join(missing)
    # Run the whole step here as the image would: python2 is the model's interpreter, and the CMD's
    # console script is its entry point's module run with -m.
    module = runtime_image.entry_point(runtime.site, 'gunicorn', 'gunicorn').split(':')[0]
    for command in commands:
        name = os.path.basename(command[0])
        if re.match(r'^python2?(\.7)?$', name):
            argv = [runtime.python] + command[1:]
        elif name == runtime.cmd[0]:
            argv = [runtime.python, '-m', module] + command[1:]
        else:
            continue
        ok, out = runtime_image.run_argv(argv)
        assert ok, explain(runtime, 'run the import check of app/Dockerfile (%s)' % ' '.join(command), out)
