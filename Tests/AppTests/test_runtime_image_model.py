"""Unit tests of runtime_image's reading of a Dockerfile (no network, no processes)."""
import pytest

import runtime_image

DOCKERFILE = '''# comment
FROM alpine:3.7 AS build
RUN apk add --no-cache \\
        build-base~0.5 \\
        py2-pip~9.0
RUN pip install --no-cache-dir --prefix=/install -r requirements.txt

FROM alpine:3.7
RUN apk add --no-cache --virtual .rt \\
        # the client library
        mariadb-client-libs~10.1 \\
        py-setuptools=33.1.1-r1 \\
        python2~2.7 && echo "a && b; c" | cat
COPY --from=build /install /usr
USER 10001:10001
RUN python2 -c "import flask; import MySQLdb" && true
CMD ["gunicorn", "--config", "/app/gunicorn.conf.py", "application:application"]
'''


def write(tmpdir, text):
    path = tmpdir.join('Dockerfile')
    path.write(text)
    return str(path)


def test_runtime_apk_packages_skip_options_comments_and_other_commands():
    stages = runtime_image.stages(DOCKERFILE)
    assert [s['name'] for s in stages] == ['build', None]
    assert runtime_image.apk_packages(stages[-1]) == [
        ('mariadb-client-libs', '~', '10.1'), ('py-setuptools', '=', '33.1.1-r1'), ('python2', '~', '2.7')]


def test_apk_constraints_become_the_same_upstream_version_for_pip():
    assert runtime_image.apk_to_pip('setuptools', '~', '33.1') == 'setuptools==33.1.*'
    assert runtime_image.apk_to_pip('setuptools', '=', '33.1.1-r1') == 'setuptools==33.1.1'


def test_pip_prefix_is_modelled_only_when_the_runtime_stage_copies_it(tmpdir):
    model = runtime_image.Runtime(write(tmpdir, DOCKERFILE))
    assert 'mysqlclient==1.4.6' in model.pip_specs and 'gunicorn==19.10.0' in model.pip_specs
    assert 'setuptools==33.1.1' in model.pip_specs
    assert model.cmd[0] == 'gunicorn'
    without_copy = runtime_image.Runtime(write(tmpdir, DOCKERFILE.replace('COPY --from=build /install /usr\n', '')))
    assert without_copy.requirements == [] and without_copy.pip_specs == ['setuptools==33.1.1']


def test_removing_setuptools_from_the_runtime_stage_removes_it_from_the_model(tmpdir):
    model = runtime_image.Runtime(write(tmpdir, DOCKERFILE.replace('        py-setuptools=33.1.1-r1 \\\n', '')))
    assert not [s for s in model.pip_specs if s.startswith('setuptools')]


def test_an_unknown_runtime_package_is_a_clear_error(tmpdir):
    with pytest.raises(runtime_image.ModelError) as e:
        runtime_image.Runtime(write(tmpdir, DOCKERFILE.replace('python2~2.7', 'python2~2.7 tini~0.16')))
    assert 'tini' in str(e.value) and 'APK_PROVIDES' in str(e.value)


def test_the_mysql_substitution_refuses_a_different_pin():
    assert runtime_image.requirements_for_here('Flask==1.1.4\nMySQL-python==1.2.5  # x\n') == [
        'Flask==1.1.4', 'mysqlclient==1.4.6']
    with pytest.raises(runtime_image.ModelError):
        runtime_image.requirements_for_here('MySQL-python==1.2.3\n')


def test_shell_commands_split_outside_quotes_only():
    assert runtime_image.shell_commands('python2 -c "import a; import b" && gunicorn --version') == [
        ['python2', '-c', 'import a; import b'], ['gunicorn', '--version']]


def test_missing_module_reads_python2_import_errors():
    assert runtime_image.missing_module('ImportError: No module named pkg_resources') == 'pkg_resources'


def test_the_py2_setuptools_alias_is_refused_with_the_real_name(tmpdir):
    with pytest.raises(runtime_image.ModelError) as e:
        runtime_image.Runtime(write(tmpdir, DOCKERFILE.replace('py-setuptools=', 'py2-setuptools=')))
    assert 'py2-setuptools' in str(e.value) and 'py-setuptools' in str(e.value).replace('py2-setuptools', '')
