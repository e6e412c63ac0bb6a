"""A stand-in for the app image's runtime stage, built from app/Dockerfile itself.

The image cannot be built here (no Docker engine). What its CMD can import is decided by two
things in the runtime stage: the Alpine packages of its `apk add` line(s) and the pip prefix it
copies from the build stage (app/requirements.txt). This module parses both out of app/Dockerfile,
installs the Python side of them into a private folder (cached under .tools/, keyed by content),
and gives an interpreter that sees only the standard library plus that folder: the test Python's
own site-packages (which has setuptools) stay invisible, as they are absent from the image.
"""
from __future__ import print_function

import ast
import hashlib
import json
import os
import re
import shlex
import shutil
import subprocess
import sys
import tempfile

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), '..', '..'))
DOCKERFILE = os.path.join(ROOT, 'app', 'Dockerfile')
APP_DIR = os.path.join(ROOT, 'app')
CACHE = os.path.join(ROOT, '.tools', 'runtime-image')

# MySQL-python 1.2.5 does not compile against Debian's MariaDB Connector/C 3 ('MYSQL' has no member
# named 'reconnect'); mysqlclient 1.4.6 is its maintained fork and provides the same MySQLdb module.
SUBSTITUTES = {'mysql-python': ('1.2.5', 'mysqlclient==1.4.6')}

# What each Alpine 3.7 package of the runtime stage contributes to the Python the CMD runs.
#   ('interpreter', None): the interpreter and its standard library; the test Python 2.7 stands in.
#   ('native', why):       a shared library only; the machine's own copy stands in.
#   ('pip', project):      Python modules; installed here from the package index at the same version.
#   ('refuse', why):       a name that would not install as written on Alpine 3.7.
# A package not listed here makes the model fail loudly: add it with what it provides.
APK_PROVIDES = {
    'python2': ('interpreter', None),
    'mariadb-client-libs': ('native', 'libmysqlclient for MySQLdb; Debian libmariadb stands in here'),
    # aports main/py-setuptools: setuptools for python2, which ships pkg_resources.
    'py-setuptools': ('pip', 'setuptools'),
    # Only a `provides` of py-setuptools then, unversioned in some revisions: apk does not select it.
    'py2-setuptools': ('refuse', 'on Alpine 3.7 install it by its package name, py-setuptools'),
}

APK_OPTIONS_WITH_VALUE = {'-t', '--virtual', '-X', '--repository', '-p', '--root', '--arch',
                          '--keys-dir', '--cache-dir', '--repositories-file'}


class ModelError(Exception):
    """app/Dockerfile does not say something this model needs; the message says what."""


# ---- Dockerfile parsing ---------------------------------------------------------------------------

def instructions(text):
    """[(KEYWORD, arguments)] with continuation lines joined and comment lines dropped."""
    result, current = [], ''
    for line in text.splitlines():
        stripped = line.strip()
        if stripped.startswith('#') or (not stripped and current):
            continue  # Docker drops comment lines, even inside a continued instruction
        if stripped.endswith('\\'):
            current += stripped[:-1] + ' '
            continue
        current += stripped
        if current.strip():
            keyword, _, args = current.strip().partition(' ')
            result.append((keyword.upper(), args.strip()))
        current = ''
    return result


def stages(text):
    """[{'from': image, 'name': alias or None, 'instructions': [...]}] in file order."""
    found = []
    for keyword, args in instructions(text):
        if keyword == 'FROM':
            parts = args.split()
            name = parts[2] if len(parts) >= 3 and parts[1].upper() == 'AS' else None
            found.append({'from': parts[0], 'name': name, 'instructions': []})
        elif found:
            found[-1]['instructions'].append((keyword, args))
    if not found:
        raise ModelError('app/Dockerfile has no FROM')
    return found


def shell_commands(run_args):
    """The simple commands of a RUN (shell form), each as an argv list."""
    if run_args.startswith('['):
        return [json.loads(run_args)]
    return [shlex.split(part) for part in _split_unquoted(run_args) if part.strip()]


def _split_unquoted(text):
    """Splits a shell line at &&, ||, ;, | and & outside quotes."""
    parts, current, quote, i = [], '', None, 0
    while i < len(text):
        c = text[i]
        if quote:
            if c == '\\' and quote == '"' and i + 1 < len(text):
                current += text[i:i + 2]
                i += 2
                continue
            if c == quote:
                quote = None
        elif c in '"\'':
            quote = c
        elif c == '\\' and i + 1 < len(text):
            current += text[i:i + 2]
            i += 2
            continue
        elif c in ';&|':
            parts.append(current)
            current = ''
            i += 2 if text[i:i + 2] in ('&&', '||') else 1
            continue
        current += c
        i += 1
    parts.append(current)
    return parts


def apk_packages(stage):
    """[(name, operator or None, version or None)] from the stage's `apk add` commands."""
    packages = []
    for keyword, args in stage['instructions']:
        if keyword != 'RUN':
            continue
        for argv in shell_commands(args):
            if argv[:2] != ['apk', 'add']:
                continue
            skip = False
            for token in argv[2:]:
                if skip:
                    skip = False
                    continue
                if token.startswith('-'):
                    skip = token in APK_OPTIONS_WITH_VALUE
                    continue
                match = re.match(r'^([A-Za-z0-9][A-Za-z0-9+._-]*?)(?:([~=<>]+)([0-9].*))?$', token)
                if not match:
                    raise ModelError('cannot read apk package %r in app/Dockerfile' % token)
                packages.append(match.groups())
    return packages


def pip_prefix_copied(all_stages):
    """(requirements file, prefix) when the last stage copies a pip --prefix from an earlier stage."""
    runtime = all_stages[-1]
    for keyword, args in runtime['instructions']:
        if keyword != 'COPY' or '--from=' not in args:
            continue
        parts = args.split()
        source_stage = [p for p in parts if p.startswith('--from=')][0][len('--from='):]
        paths = [p for p in parts if not p.startswith('--')]
        for stage in all_stages[:-1]:
            if stage['name'] != source_stage:
                continue
            for k, a in stage['instructions']:
                if k != 'RUN':
                    continue
                for argv in shell_commands(a):
                    if not argv or os.path.basename(argv[0]) not in ('pip', 'pip2') or 'install' not in argv:
                        continue
                    prefix = [t.split('=', 1)[1] for t in argv if t.startswith('--prefix=')]
                    reqs = [argv[i + 1] for i, t in enumerate(argv[:-1]) if t in ('-r', '--requirement')]
                    if prefix and reqs and prefix[0].rstrip('/') in [p.rstrip('/') for p in paths[:-1]]:
                        return reqs[0], prefix[0]
    return None


def cmd(all_stages):
    for keyword, args in reversed(all_stages[-1]['instructions']):
        if keyword == 'CMD':
            return json.loads(args)
    raise ModelError('the runtime stage of app/Dockerfile has no CMD (exec form)')


# ---- from packages to a Python environment ---------------------------------------------------------

def apk_to_pip(name, op, version):
    """A pip requirement for the same upstream version as an apk constraint."""
    if not op:
        return name
    upstream = re.sub(r'-r[0-9]+$', '', version)
    if op == '~':
        return '%s==%s.*' % (name, upstream)  # apk fuzzy match: same version prefix
    if op == '=':
        return '%s==%s' % (name, upstream)
    return '%s%s%s' % (name, op, upstream)


def requirements_for_here(text):
    """app/requirements.txt with the documented substitutions for this machine."""
    lines = []
    for line in text.splitlines():
        spec = line.split('#', 1)[0].strip()
        name = re.split(r'[=<>!~ ]', spec, 1)[0].lower() if spec else ''
        if name in SUBSTITUTES:
            pinned, replacement = SUBSTITUTES[name]
            if spec.lower() != '%s==%s' % (name, pinned):
                raise ModelError('app/requirements.txt pins %r; the substitution here was written for '
                                 '%s==%s: check that %s still provides the same module'
                                 % (spec, name, pinned, replacement))
            lines.append(replacement)
        elif spec:
            lines.append(spec)
    return lines


class Runtime(object):
    """The runtime stage as this machine can reproduce it."""

    def __init__(self, dockerfile=DOCKERFILE):
        with open(dockerfile) as f:
            self.stages = stages(f.read())
        self.apk = apk_packages(self.stages[-1])
        self.cmd = cmd(self.stages)
        unknown = [name for name, _, _ in self.apk if name not in APK_PROVIDES]
        if unknown:
            raise ModelError('the runtime stage installs apk package(s) %s that this model does not know: '
                             'add them to APK_PROVIDES in %s with what they provide'
                             % (', '.join(unknown), os.path.basename(__file__)))
        refused = ['%s (%s)' % (name, APK_PROVIDES[name][1]) for name, _, _ in self.apk
                   if APK_PROVIDES[name][0] == 'refuse']
        if refused:
            raise ModelError('the runtime stage of app/Dockerfile asks apk for %s' % ', '.join(refused))
        if not any(APK_PROVIDES[name][0] == 'interpreter' for name, _, _ in self.apk):
            raise ModelError('the runtime stage installs no Python interpreter (apk python2)')
        self.apk_pip = [apk_to_pip(APK_PROVIDES[name][1], op, version)
                        for name, op, version in self.apk if APK_PROVIDES[name][0] == 'pip']
        copied = pip_prefix_copied(self.stages)
        self.requirements = []
        if copied:
            with open(os.path.join(APP_DIR, copied[0])) as f:
                self.requirements = requirements_for_here(f.read())
        self.pip_specs = self.requirements + self.apk_pip

    def describe(self):
        return ('apk: %s; pip prefix from the build stage: %s'
                % (' '.join(n + (o or '') + (v or '') for n, o, v in self.apk),
                   ' '.join(self.requirements) or 'NOT COPIED'))

    def key(self):
        blob = json.dumps({'python': list(sys.version_info[:3]), 'pip': self.pip_specs}, sort_keys=True)
        return hashlib.sha256(blob.encode('utf-8')).hexdigest()[:16]

    def prepare(self, base_python=None):
        """Installs (once per content) and returns (site folder, interpreter wrapper path)."""
        base_python = base_python or os.environ.get('PYTHON27') or sys.executable
        home = os.path.join(CACHE, self.key())
        site, wrapper = os.path.join(home, 'site'), os.path.join(home, 'python')
        if not os.path.isfile(wrapper):
            if not os.path.isdir(CACHE):
                os.makedirs(CACHE)
            work = tempfile.mkdtemp(prefix='tmp-', dir=CACHE)
            try:
                self._install(base_python, os.path.join(work, 'site'))
                _write_wrapper(os.path.join(work, 'python'), os.path.realpath(base_python), site)
                with open(os.path.join(work, 'model.json'), 'w') as f:
                    json.dump({'apk': self.apk, 'pip': self.pip_specs}, f, indent=1)
                try:
                    os.rename(work, home)
                except OSError:
                    if not os.path.isfile(wrapper):  # not a concurrent run that got there first
                        raise
            finally:
                shutil.rmtree(work, ignore_errors=True)
        return site, wrapper

    def _install(self, base_python, target):
        if not self.pip_specs:
            os.makedirs(target)
            return
        env = dict((k, v) for k, v in os.environ.items() if not k.startswith('PYTHON'))
        argv = [base_python, '-m', 'pip', 'install', '--disable-pip-version-check', '--no-warn-script-location',
                '--target', target] + self.pip_specs
        proc = subprocess.Popen(argv, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
        out = proc.communicate()[0].decode('utf-8', 'replace')
        if proc.returncode != 0:
            raise ModelError('pip could not install the runtime stage\'s packages %s (the first run needs the '
                             'package index): %s' % (' '.join(self.pip_specs), out.strip()[-1500:]))


def _write_wrapper(path, real_python, site):
    """An executable that starts real_python like the image's python2: standard library plus `site`
    only. -S: no site module, so no site-packages of the test Python; -E: the wrapper ignores the
    caller's PYTHONPATH; the child gets PYTHONPATH=site and the image's PYTHON* settings only."""
    source = '''#!%(python)s -SEs
import os, sys
env = dict((k, v) for k, v in os.environ.items() if not k.startswith('PYTHON'))
env.update(PYTHONPATH=%(site)r, PYTHONDONTWRITEBYTECODE='1', PYTHONUNBUFFERED='1')
os.execve(%(python)r, [%(python)r, '-S', '-s'] + sys.argv[1:], env)
''' % {'python': real_python, 'site': site}
    with open(path, 'w') as f:
        f.write(source)
    os.chmod(path, 0o755)


# ---- what the CMD needs -----------------------------------------------------------------------------

def imported_modules(path):
    """Module names a Python file imports at top level: `import a.b` gives a.b; `from a import b`
    gives a and a.b (b may be a submodule or just a name; the caller checks which exist)."""
    with open(path) as f:
        tree = ast.parse(f.read(), path)
    names = []
    for node in tree.body:
        if isinstance(node, ast.Import):
            names.extend(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            names.append(node.module)
            names.extend(node.module + '.' + alias.name for alias in node.names)
    return names


def module_in(site, module):
    """Whether `module` is a package or module file directly in the folder `site`."""
    base = os.path.join(site, *module.split('.'))
    return any(os.path.exists(base + suffix) for suffix in ('', '.py', '.so'))


def entry_point(site, distribution, script):
    """'module:function' of a console script, read from the installed distribution's metadata."""
    for folder in os.listdir(site):
        if folder.lower().startswith(distribution.lower() + '-') and folder.endswith(('.dist-info', '.egg-info')):
            path = os.path.join(site, folder, 'entry_points.txt')
            if os.path.isfile(path):
                section = None
                with open(path) as f:
                    for line in f:
                        line = line.strip()
                        if line.startswith('['):
                            section = line.strip('[]')
                        elif section == 'console_scripts' and '=' in line:
                            name, target = [p.strip() for p in line.split('=', 1)]
                            if name == script:
                                return target
    return None


def missing_module(output):
    """The module an ImportError names, if any ('No module named X' on Python 2)."""
    found = re.findall(r"No module named '?([A-Za-z0-9_.]+)", output)
    return found[-1] if found else None


def run_argv(argv, cwd=None):
    """(ok, output) of a command."""
    proc = subprocess.Popen(argv, cwd=cwd or tempfile.gettempdir(), stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    out = proc.communicate()[0].decode('utf-8', 'replace')
    return proc.returncode == 0, out.strip()


def run_python(python, code, cwd=None):
    """(ok, output) of `python -c code`."""
    return run_argv([python, '-c', code], cwd)


def try_import(python, module, cwd=None):
    return run_python(python, 'import ' + module, cwd)
