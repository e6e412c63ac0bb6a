"""Unit tests of runtime_image's reading of a Dockerfile and of the rules it holds app/Dockerfile to
(no network, no pip; the few processes are a bare Python 2.7 deciding what is standard library)."""
from distutils.spawn import find_executable
import os
import shutil
import sys

import pytest

import runtime_image

DOCKERFILE = '''# comment
FROM alpine:3.7 AS build
RUN apk add --no-cache \\
        build-base~0.5 \\
        mariadb-dev~10.1 \\
        py2-pip~9.0 \\
        python2-dev~2.7
COPY requirements.txt .
RUN pip install --no-cache-dir --prefix=/install -r requirements.txt

FROM alpine:3.7
RUN apk --no-cache add --virtual .rt \\
        # the client library
        mariadb-client-libs~10.1 \\
        py-setuptools=33.1.1-r1 \\
        python2~2.7 && echo "a && b; c" | cat
COPY --from=build /install /usr
WORKDIR /app
USER 10001:10001
RUN python2 -c "import flask; import MySQLdb" && true
COPY application.py gunicorn.conf.py ./
CMD ["gunicorn", "--config", "/app/gunicorn.conf.py", "application:application"]
'''

with open(runtime_image.DOCKERFILE) as f:
    APP_DOCKERFILE = f.read()


def mutated(old, new, text=APP_DOCKERFILE):
    """text with its one occurrence of old replaced: a test cannot pass because the line moved away."""
    assert text.count(old) == 1, 'expected exactly one %r in the Dockerfile under test' % old
    return text.replace(old, new)


def model_error(text):
    with pytest.raises(runtime_image.ModelError) as e:
        runtime_image.Runtime(text=text)
    message = str(e.value)
    assert '\n' not in message, message
    return message


def test_the_app_dockerfile_follows_every_rule():
    model = runtime_image.Runtime()
    assert model.python_version == '2.7.15-r3'
    assert model.copied['destination'] == '/usr' and 'setuptools==33.1.1' in model.pip_specs


# ---- the mutations a reviewer found the model let through; each must now be refused ----------------

@pytest.mark.parametrize('old, new, expected', [
    # The image's MySQLdb cannot load libmysqlclient.so.18; Debian's libmariadb no longer stands in.
    ('        mariadb-client-libs~10.1 \\\n', '', 'does not apk add mariadb-client-libs'),
    # Not versions Alpine 3.7 has: `apk add` fails.
    ('python2~2.7', 'python2~3.6', 'python2~3.6, but Alpine 3.7 has python2 2.7.15-r3'),
    ('py-setuptools~33.1', 'py-setuptools~44.1', 'py-setuptools~44.1, but Alpine 3.7 has py-setuptools 33.1.1-r1'),
    ('python2-dev~2.7', 'python2-dev=2.7.14-r2', 'python2-dev=2.7.14-r2, but Alpine 3.7 has'),
    ('mariadb-dev~10.1', 'mariadb-dev~10.10', 'build stage of app/Dockerfile asks apk for mariadb-dev~10.10'),
    # The build stage cannot compile MySQL-python.
    ('        build-base~0.5 \\\n        mariadb-dev~10.1 \\\n', '', 'does not apk add build-base'),
    ('        mariadb-dev~10.1 \\\n', '', 'does not apk add mariadb-dev (mysql_config'),
    ('        py2-pip~9.0 \\\n', '', 'does not apk add py2-pip'),
    ('        build-base~0.5 \\\n        mariadb-dev~10.1 \\\n        py2-pip~9.0 \\\n        python2-dev~2.7\n',
     '        build-base~0.5 \\\n        mariadb-dev~10.1 \\\n        py2-pip~9.0\n', 'does not apk add python2-dev'),
    ('COPY requirements.txt .\n', '', 'without copying requirements.txt'),
    # Packages outside Alpine's python2 prefix are invisible to it.
    ('COPY --from=build /install /usr', 'COPY --from=build /install /opt', 'to /opt, not /usr'),
    ('COPY --from=build /install /usr', 'COPY --from=build /build /usr', 'copies no `pip install --prefix'),
    # The app must not run as root, and Kubernetes runAsNonRoot needs a numeric uid.
    ('USER 10001:10001\n', '', 'has no USER: its CMD would run as root'),
    ('CMD ["gunicorn"', 'USER root\nCMD ["gunicorn"', 'USER root in app/Dockerfile is not numeric'),
    ('USER 10001:10001', 'USER app', 'USER app in app/Dockerfile is not numeric'),
    ('USER 10001:10001', 'USER 0:0', 'USER 0:0 in app/Dockerfile is root'),
    # The version table is Alpine 3.7's.
    ('FROM alpine:3.7 AS build', 'FROM alpine:3.8 AS build', 'build stage of app/Dockerfile is FROM alpine:3.8'),
    ('python2-dev~2.7', 'python2-dev~2.7 gcc', 'asks apk for gcc, which ALPINE_37'),
])
def test_a_broken_image_is_a_one_line_model_error(old, new, expected):
    assert expected in model_error(mutated(old, new))


def test_the_last_user_of_the_runtime_stage_is_the_images_even_after_cmd():
    assert 'USER 0 in app/Dockerfile is root' in model_error(APP_DOCKERFILE + 'USER 0\n')


def test_removing_setuptools_from_the_runtime_stage_removes_it_from_the_model():
    # No rule here: without pkg_resources, test_runtime_image's real Gunicorn start and import check fail.
    model = runtime_image.Runtime(text=mutated('        py-setuptools~33.1 \\\n', ''))
    assert not [s for s in model.pip_specs if s.startswith('setuptools')]


# ---- reading a Dockerfile ----------------------------------------------------------------------------

def test_runtime_apk_packages_skip_options_comments_and_other_commands():
    stages = runtime_image.stages(DOCKERFILE)
    assert [s['name'] for s in stages] == ['build', None]
    assert runtime_image.apk_packages(stages[-1]) == [
        ('mariadb-client-libs', '~', '10.1'), ('py-setuptools', '=', '33.1.1-r1'), ('python2', '~', '2.7')]
    assert [p[0] for p in runtime_image.apk_packages(stages[0])] == ['build-base', 'mariadb-dev', 'py2-pip',
                                                                     'python2-dev']


def test_an_apk_repository_outside_alpine_37_is_refused():
    message = model_error(mutated('RUN apk add --no-cache \\\n        build-base',
                                  'RUN apk add --no-cache -X http://example.invalid/edge/main \\\n        build-base',
                                  DOCKERFILE))
    assert 'passes apk -X' in message


def test_the_model_installs_setuptools_at_alpine_37s_version():
    model = runtime_image.Runtime(text=DOCKERFILE)
    assert 'mysqlclient==1.4.6' in model.pip_specs and 'gunicorn==19.10.0' in model.pip_specs
    assert 'setuptools==33.1.1' in model.pip_specs
    assert model.cmd[0] == 'gunicorn'
    assert runtime_image.upstream_version('33.1.1-r1') == '33.1.1'


def test_an_unknown_runtime_package_is_a_clear_error():
    message = model_error(DOCKERFILE.replace('python2~2.7', 'python2~2.7 tini~0.16'))
    assert 'tini' in message and 'APK_PROVIDES' in message


def test_the_mysql_substitution_refuses_a_different_pin():
    assert runtime_image.requirements_for_here('Flask==1.1.4\nMySQL-python==1.2.5  # x\n') == [
        'Flask==1.1.4', 'mysqlclient==1.4.6']
    with pytest.raises(runtime_image.ModelError):
        runtime_image.requirements_for_here('MySQL-python==1.2.3\n')
    assert runtime_image.requirement_names('# c\nMySQL-python==1.2.5\ngunicorn[eventlet]>=19\n') == [
        'mysql-python', 'gunicorn']


def test_shell_commands_split_outside_quotes_only():
    assert runtime_image.shell_commands('python2 -c "import a; import b" && gunicorn --version') == [
        ['python2', '-c', 'import a; import b'], ['gunicorn', '--version']]


def test_missing_module_reads_python2_import_errors():
    assert runtime_image.missing_module('ImportError: No module named pkg_resources') == 'pkg_resources'


def test_the_py2_setuptools_alias_is_refused_with_the_real_name():
    message = model_error(DOCKERFILE.replace('py-setuptools=', 'py2-setuptools='))
    assert 'py2-setuptools' in message and 'py-setuptools' in message.replace('py2-setuptools', '')


# ---- apk-tools 2.8's version comparison ---------------------------------------------------------------

LESS, EQUAL, GREATER = runtime_image.APK_LESS, runtime_image.APK_EQUAL, runtime_image.APK_GREATER


@pytest.mark.parametrize('a, b, fuzzy, result', [
    ('10.1.41-r0', '10.1', True, EQUAL),      # ~10.1: equal on 10.1's components
    ('10.1.41-r0', '10.1', False, GREATER),
    ('10.1.41-r0', '10.10', True, LESS),      # components, not a string prefix
    ('2.7.15-r3', '3.6', True, LESS),
    ('33.1.1-r1', '44.1', True, LESS),
    ('2.7.15-r3', '2.7.15-r3', False, EQUAL),
    ('2.7.15-r3', '2.7.15', False, GREATER),  # a revision is more than none
    ('1.1_rc1', '1.1', False, LESS),          # pre-release suffixes sort first
    ('1.1_p1', '1.1', False, GREATER),        # post-release suffixes after
    # apk 2.8's quirk, kept: after a zero component get_token skips next_token, so the suffix is unseen.
    ('1.0_rc1', '1.0', False, GREATER),
    ('1.0a', '1.0', False, GREATER),
    ('0.5-r0', '0.5', True, EQUAL),
])
def test_apk_version_compare(a, b, fuzzy, result):
    assert runtime_image.apk_version_compare(a, b, fuzzy) == result


def test_apk_constraints():
    assert runtime_image.apk_satisfies('2.7.15-r3', '~', '2.7')
    assert runtime_image.apk_satisfies('2.7.15-r3', '=', '2.7.15-r3')
    assert not runtime_image.apk_satisfies('2.7.15-r3', '=', '2.7.15')
    assert runtime_image.apk_satisfies('33.1.1-r1', '>=', '33')
    assert not runtime_image.apk_satisfies('33.1.1-r1', '<', '33.1.1')
    assert runtime_image.apk_satisfies('33.1.1-r1', None, None)
    with pytest.raises(runtime_image.ModelError):
        runtime_image.apk_satisfies('2.7.15-r3', '~', '2.7-x')


# ---- what counts as standard library ------------------------------------------------------------------

def test_third_party_imports_are_decided_by_a_bare_interpreter(tmpdir):
    """A module neither the bare interpreter nor the runtime has is listed (not silently dropped); the
    standard library and the app's own modules are not; `from a import b` adds a.b when it is a module."""
    app = tmpdir.mkdir('app')
    app.join('helper.py').write('')
    app.join('application.py').write(
        'import os\nimport json\nfrom os import path\nimport helper\n'
        'import not_in_requirements_xyz\nfrom gunicorn import reloader\nfrom pkg import sub, NAME\n')
    site = tmpdir.mkdir('site')
    site.mkdir('pkg').join('__init__.py').write('NAME = 1\n')
    site.join('pkg', 'sub.py').write('')
    runtime_image._write_wrapper(str(tmpdir.join("python")), os.path.realpath(sys.executable), [str(site)])
    found = runtime_image.third_party_imports(sys.executable, str(tmpdir.join('python')),
                                              [str(app.join('application.py'))], str(app))
    assert found == ['not_in_requirements_xyz', 'gunicorn', 'pkg', 'pkg.sub']


def test_the_stand_in_interpreter_must_be_alpines_python2_series():
    model = runtime_image.Runtime(text=DOCKERFILE)
    model.check_stand_in(sys.executable)  # the test Python 2.7 stands in for python2 2.7.15-r3
    # Any Python 3 plays the wrong stand-in: the one running scripts/test is on PATH.
    python3 = find_executable('python3')
    assert python3, 'no python3 on PATH to play a wrong stand-in'
    with pytest.raises(runtime_image.ModelError) as e:
        model.check_stand_in(python3)
    assert "python2 is 2.7.15-r3" in str(e.value) and 'Python 2.7' in str(e.value)


# ---- every file the command names is in the image, not only behind the development code mount -------

def cmd_paths_error(tmpdir, files, tail):
    """The ModelError (or None) of check_cmd_paths for DOCKERFILE's stages with `tail` (the runtime
    stage's WORKDIR/COPY/ENTRYPOINT/CMD lines) and a build context holding `files` {name: source}."""
    context = tmpdir.join('context')
    shutil.rmtree(str(context), ignore_errors=True)
    context.ensure(dir=True)
    for name, source in files.items():
        path = context.join(name)
        path.dirpath().ensure(dir=True)
        path.write(source)
    head = DOCKERFILE[:DOCKERFILE.index('WORKDIR /app')]
    try:
        runtime_image.check_cmd_paths(runtime_image.stages(head + tail), str(context))
    except runtime_image.ModelError as e:
        assert '\n' not in str(e), str(e)
        return str(e)
    return None


APP = {'application.py': 'import os\nimport flask\n', 'gunicorn.conf.py': 'import os\nbind = "0.0.0.0:3000"\n'}
CMD = 'CMD ["gunicorn", "--config", "/app/gunicorn.conf.py", "application:application"]\n'


@pytest.mark.parametrize('tail, expected', [
    # The mutations of issue 19: fine in the VM (the mount brings the files), a crash loop elsewhere.
    ('WORKDIR /app\nCOPY application.py ./\n' + CMD, 'names the config file /app/gunicorn.conf.py, which no COPY'),
    ('WORKDIR /app\nCOPY gunicorn.conf.py ./\n' + CMD, 'names the app module application (application.py in /app)'),
    ('WORKDIR /app\nCOPY application.py gunicorn.conf.py /srv/\n' + CMD, 'config file /app/gunicorn.conf.py'),
    # A relative destination is under the WORKDIR in force when COPY runs, not the last one.
    ('COPY application.py gunicorn.conf.py ./\nWORKDIR /app\n' + CMD, 'config file /app/gunicorn.conf.py'),
    # A relative config path is the WORKDIR's.
    ('WORKDIR /app\nCOPY application.py ./\nCMD ["gunicorn", "-c", "gunicorn.conf.py", "application"]\n',
     'config file /app/gunicorn.conf.py'),
    ('WORKDIR /app\nCOPY . .\nCMD ["gunicorn", "--chdir", "/srv", "application:application"]\n',
     'names the folder (--chdir) /srv'),
    # An init in front of Gunicorn: its own program must be in the image too.
    ('WORKDIR /app\nCOPY . .\nENTRYPOINT ["/sbin/tini", "--"]\n' + CMD, 'names the program /sbin/tini'),
    ('WORKDIR /app\nCOPY application.py ./\nENTRYPOINT ["/bin/sh", "-c"]\n' + CMD, 'names the path /app/gunicorn.conf.py'),
])
def test_the_command_names_only_what_the_image_has(tmpdir, tail, expected):
    message = cmd_paths_error(tmpdir, APP, tail)
    assert message and expected in message, message


@pytest.mark.parametrize('tail', [
    'WORKDIR /app\nCOPY application.py gunicorn.conf.py ./\n' + CMD,
    'WORKDIR /app\nCOPY . .\n' + CMD,
    'WORKDIR /app\nCOPY . /app\n' + CMD,
    'COPY . /app/\nWORKDIR /app\n' + CMD,
    'WORKDIR /app\nCOPY ["application.py", "gunicorn.conf.py", "/app/"]\n' + CMD,
    'WORKDIR /srv\nCOPY *.py /app/\nCMD ["gunicorn", "--chdir", "/app", "-c", "file:/app/gunicorn.conf.py", "application"]\n',
    'WORKDIR /app\nCOPY --chown=10001:10001 . .\nCMD ["gunicorn", "-b", "0.0.0.0:3000", "--reload", "application"]\n',
    # Gunicorn 19.10 reads ./gunicorn.conf.py without --config.
    'WORKDIR /app\nCOPY . .\nCMD ["gunicorn", "application:application"]\n',
    'WORKDIR /app\nCOPY . .\nCMD ["gunicorn", "-c", "python:gunicorn_settings", "application:application"]\n',
])
def test_a_command_whose_files_are_copied_passes(tmpdir, tail):
    files = dict(APP, **{'gunicorn_settings.py': 'workers = 2\n'})
    assert cmd_paths_error(tmpdir, files, tail) is None


def test_a_module_the_app_or_config_imports_from_the_context_is_copied_too(tmpdir):
    """The config file and the app import modules of their own folder (sys.path[0] is the app folder):
    a module the build context has but the image lacks is the same crash loop."""
    files = dict(APP, **{'application.py': 'import os\nimport models\n', 'models.py': 'from helpers import x\n',
                         'helpers.py': 'x = 1\n'})
    assert cmd_paths_error(tmpdir, files, 'WORKDIR /app\nCOPY . .\n' + CMD) is None
    message = cmd_paths_error(tmpdir, files, 'WORKDIR /app\nCOPY application.py gunicorn.conf.py models.py ./\n' + CMD)
    assert 'through an import in /app/models.py' in message and 'the module helpers' in message, message
    files = dict(APP, **{'gunicorn.conf.py': 'from reload_engine import *\n', 'reload_engine/__init__.py': ''})
    message = cmd_paths_error(tmpdir, files, 'WORKDIR /app\nCOPY application.py gunicorn.conf.py ./\n' + CMD)
    assert 'through an import in /app/gunicorn.conf.py' in message and 'reload_engine' in message, message
    assert cmd_paths_error(tmpdir, files, 'WORKDIR /app\nCOPY . .\n' + CMD) is None


def test_a_copy_source_missing_from_the_context_is_refused(tmpdir):
    message = cmd_paths_error(tmpdir, APP, 'WORKDIR /app\nCOPY application.py settings.py ./\n' + CMD)
    assert 'COPY settings.py' in message and 'no such file in the build context' in message


def test_gunicorn_options_that_take_no_value_do_not_swallow_the_app_module():
    assert runtime_image.gunicorn_cli(['--reload', '-c', 'x.py', '--bind=0.0.0.0:1', '-w2', 'app:application']) == (
        {'--reload': [None], '--config': ['x.py'], '--bind': ['0.0.0.0:1'], '--workers': ['2']}, 'app:application')


# ---- files copied from the build context -----------------------------------------------------------

def test_dockerignore_patterns_decide_what_the_build_context_holds():
    ignore = '# the allow-list\n*\n!application.py\n!.reload-engine/devenv_reload.py\n'
    assert runtime_image.in_build_context('application.py', ignore)
    assert runtime_image.in_build_context('.reload-engine/devenv_reload.py', ignore)
    assert not runtime_image.in_build_context('.reload-engine/other.py', ignore)
    assert not runtime_image.in_build_context('gunicorn.conf.py', ignore)
    assert runtime_image.in_build_context('gunicorn.conf.py', '')
    # `*` stops at a slash, `**` does not; the last matching pattern decides.
    assert runtime_image.in_build_context('a/b.py', 'a/*.txt\n')
    assert not runtime_image.in_build_context('a/b/c.txt', '**/*.txt\n')
    assert runtime_image.in_build_context('a/b/c.txt', '**/*.txt\n!a/b/c.txt\n')


def test_a_copy_that_dockerignore_keeps_out_is_refused():
    with open(runtime_image.DOCKERIGNORE) as f:
        ignore = f.read()
    all_stages = runtime_image.stages(APP_DOCKERFILE)
    runtime_image.check_build_context(all_stages, ignore)
    with pytest.raises(runtime_image.ModelError) as e:
        runtime_image.check_build_context(all_stages, ignore + '.reload-engine\n')
    assert 'copies .reload-engine/devenv_reload.py, but app/.dockerignore keeps it out of the build context' in str(e.value)


def test_a_module_added_to_app_is_in_the_image(tmpdir):
    """app/Dockerfile once copied application.py and gunicorn.conf.py by name: a models.py the user
    added was served in the VM (the code mount brings it) and missing on any other cluster."""
    context = tmpdir.join('app')
    shutil.copytree(runtime_image.APP_DIR, str(context))
    context.join('models.py').write('x = 1\n')
    context.join('lib').ensure(dir=True)
    context.join('lib', 'helpers.py').write('y = 2\n')
    context.join('stale.pyc').write('')
    with open(runtime_image.DOCKERIGNORE) as f:
        ignore = f.read()
    files, _ = runtime_image.image_files(runtime_image.stages(APP_DOCKERFILE), context=str(context))
    sent = dict((image, source) for image, source in files.items()
                if runtime_image.in_build_context(os.path.relpath(source, str(context)), ignore))
    for name in ('application.py', 'gunicorn.conf.py', 'models.py', 'lib/helpers.py'):
        assert '/app/' + name in sent, sorted(sent)
    assert '/app/stale.pyc' not in sent and '/app/Dockerfile' not in sent, sorted(sent)


def test_the_engine_is_copied_into_site_packages():
    assert runtime_image.site_copies(runtime_image.stages(APP_DOCKERFILE)) == [
        ('.reload-engine/devenv_reload.py', 'devenv_reload.py')]
    # Anywhere else (under /app: the code mount replaces it) the image's python2 would not find it.
    moved = mutated('/usr/lib/python2.7/site-packages/devenv_reload.py', '/app/devenv_reload.py')
    assert runtime_image.site_copies(runtime_image.stages(moved)) == []
