"""A stand-in for the app image's runtime stage, built from app/Dockerfile itself.

The image cannot be built here (no Docker engine). What its CMD can import is decided by two
things in the runtime stage: the Alpine packages of its `apk add` line(s) and the pip prefix it
copies from the build stage (app/requirements.txt). This module parses both out of app/Dockerfile,
installs the Python side of them into a private folder (cached under .tools/, keyed by content),
and gives an interpreter that sees only the standard library plus that folder: the test Python's
own site-packages (which has setuptools) stay invisible, as they are absent from the image.

What the stand-ins would hide is checked against rules first (Runtime() raises a one-line ModelError):
every `apk add` constraint of both stages against Alpine 3.7's versions (ALPINE_37, compared like
apk-tools 2.8), the native libraries the requirements load (NATIVE_RUNTIME; here Debian's library
stands in), what the build stage needs to compile them (BUILD_NEEDS), the pip prefix copied to
Alpine python2's /usr, and a numeric non-root USER.
"""
from __future__ import print_function

import ast
import glob
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
#   ('pip', project):      Python modules; installed here from the package index at Alpine 3.7's version.
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

BASE_IMAGE = 'alpine:3.7'

# Every package app/Dockerfile may ask apk for, at the version Alpine 3.7's main repository has (the
# branch is frozen: its last build of each package). An `apk add` constraint these do not satisfy fails
# `docker build` with "unsatisfiable constraints"; a package not listed here makes the model fail loudly.
ALPINE_37 = {
    # aports main/python2/APKBUILD secfixes name 2.7.15-r3 (CVE-2019-5010); a public `FROM alpine:3.7`
    # Dockerfile pins python=2.7.15-r3 (python is a provides of python2 at its version) next to
    # git=2.15.4-r0, a build from 3.7's last months. python2-dev is a subpackage of the same APKBUILD.
    'python2': '2.7.15-r3',
    'python2-dev': '2.7.15-r3',
    # The same Dockerfile pins py-setuptools=33.1.1-r1; public `FROM alpine:3.7` Dockerfiles pin
    # py2-pip=9.0.1-r1 (with python2-dev and build-base=0.5-r0).
    'py-setuptools': '33.1.1-r1',
    'py2-pip': '9.0.1-r1',
    'build-base': '0.5-r0',
    # doublesharp/docker-mariadb-alpine tag.sh installs mariadb==10.1.41-r0 from the v3.7 repository;
    # mariadb-dev and mariadb-client-libs are subpackages of aports main/mariadb, so one version (a public
    # Dockerfile of an older Alpine pins mariadb-client-libs, mariadb-libs and mariadb-dev all =10.1.32-r0).
    'mariadb-dev': '10.1.41-r0',
    'mariadb-client-libs': '10.1.41-r0',
}

# Python requirement -> the Alpine 3.7 package of the runtime stage its compiled module loads. The
# model's own library (Debian's libmariadb) would otherwise stand in for a package the image lacks.
NATIVE_RUNTIME = {
    # _mysql.so links libmysqlclient.so.18, which Alpine 3.7 ships in mariadb-client-libs
    # (tnir/mysqlclient#2; docker-in-aws/docker-in-aws#1: the package is gone from 3.8 on).
    'mysql-python': ('mariadb-client-libs', "MySQL-python's _mysql.so links libmysqlclient.so.18: without it "
                                            "`import MySQLdb` fails in the image"),
}

# What the build stage needs for `pip install -r requirements.txt` at all, and per requirement that
# compiles C code: (Alpine 3.7 package, why).
BUILD_PIP = ('py2-pip', 'the pip that runs `pip install`')
BUILD_NEEDS = {
    'mysql-python': (
        ('build-base', 'gcc and the musl headers compile _mysql.c'),
        ('python2-dev', 'Python.h for _mysql.c'),
        # MySQL-python's setup_posix.py runs mysql_config (gliderlabs/docker-alpine#181).
        ('mariadb-dev', 'mysql_config and mysql.h, which MySQL-python\'s setup.py needs'),
    ),
}

# Alpine's python2 is built with --prefix=/usr (aports main/python2/APKBUILD): a pip --prefix copied
# there lands in /usr/lib/python2.7/site-packages (on its sys.path) and /usr/bin (on PATH).
PYTHON_PREFIX = '/usr'
SITE_PACKAGES = PYTHON_PREFIX + '/lib/python2.7/site-packages'
DOCKERIGNORE = os.path.join(ROOT, 'app', '.dockerignore')

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
    """[(name, operator or None, version or None)] from the stage's `apk [options] add` commands."""
    packages = []
    for keyword, args in stage['instructions']:
        if keyword != 'RUN':
            continue
        for argv in shell_commands(args):
            if not argv or argv[0] != 'apk':
                continue
            tokens, skip, verb = argv[1:], False, None
            for i, token in enumerate(tokens):
                if skip:
                    skip = False
                    continue
                if token in ('-X', '--repository') or token.startswith('--repository='):
                    raise ModelError('app/Dockerfile passes apk %s: the versions this model checks (ALPINE_37) '
                                     'are those of Alpine 3.7\'s own repositories only' % token)
                if token.startswith('-'):
                    skip = token in APK_OPTIONS_WITH_VALUE
                    continue
                if verb is None:
                    verb = token
                    if verb != 'add':
                        break
                    continue
                match = re.match(r'^([A-Za-z0-9][A-Za-z0-9+._-]*?)(?:([~=<>]+)([0-9].*))?$', token)
                if not match:
                    raise ModelError('cannot read apk package %r in app/Dockerfile' % token)
                packages.append(match.groups())
    return packages


def stage_label(all_stages, index):
    if index == len(all_stages) - 1:
        return 'runtime stage'
    return '%s stage' % (all_stages[index]['name'] or '#%d' % (index + 1))


def pip_prefix_copied(all_stages):
    """{'stage', 'requirements', 'prefix', 'destination'}: the `pip install --prefix=P -r R` folder of an
    earlier stage that the runtime stage copies; a ModelError when there is none."""
    runtime = all_stages[-1]
    copies = []
    for keyword, args in runtime['instructions']:
        if keyword != 'COPY' or '--from=' not in args:
            continue
        parts = args.split()
        source_stage = [p for p in parts if p.startswith('--from=')][0][len('--from='):]
        paths = [p for p in parts if not p.startswith('--')]
        copies.append((source_stage, paths[:-1], paths[-1] if paths else ''))
    for index, stage in enumerate(all_stages[:-1]):
        for k, a in stage['instructions']:
            if k != 'RUN':
                continue
            for argv in shell_commands(a):
                if not argv or os.path.basename(argv[0]) not in ('pip', 'pip2') or 'install' not in argv:
                    continue
                prefix = [t.split('=', 1)[1] for t in argv if t.startswith('--prefix=')]
                prefix += [argv[i + 1] for i, t in enumerate(argv[:-1]) if t == '--prefix']
                reqs = [argv[i + 1] for i, t in enumerate(argv[:-1]) if t in ('-r', '--requirement')]
                if not (prefix and reqs):
                    continue
                for source_stage, sources, destination in copies:
                    if source_stage in (stage['name'], str(index)) and \
                            prefix[0].rstrip('/') in [p.rstrip('/') for p in sources]:
                        return {'stage': index, 'requirements': reqs[0], 'prefix': prefix[0],
                                'destination': destination}
    raise ModelError('the runtime stage of app/Dockerfile copies no `pip install --prefix=DIR -r requirements.txt` '
                     'folder from a build stage (COPY --from=build DIR %s), so the image has none of '
                     'app/requirements.txt' % PYTHON_PREFIX)


def context_copies(stage):
    """[(sources, destination)] of the stage's COPY/ADD instructions from the build context (no --from)."""
    found = []
    for keyword, args in stage['instructions']:
        if keyword not in ('COPY', 'ADD') or '--from=' in args:
            continue
        if args.startswith('['):
            parts = json.loads(args)
        else:
            parts = [p for p in args.split() if not p.startswith('--')]
        found.append((parts[:-1], parts[-1]))
    return found


def site_copies(all_stages):
    """[(source in app/, file name in site-packages)]: what the runtime stage copies from the build context
    into Alpine python2's site-packages (one file per source, no globs)."""
    copies = []
    for sources, destination in context_copies(all_stages[-1]):
        if not (destination.rstrip('/') + '/').startswith(SITE_PACKAGES + '/'):
            continue
        for source in sources:
            if any(c in source for c in '*?['):
                raise ModelError('app/Dockerfile copies %s into site-packages with a wildcard: this model copies '
                                 'named files only' % source)
            if destination.endswith('/') or len(sources) > 1 or destination.rstrip('/') == SITE_PACKAGES:
                target = os.path.basename(source)
            else:
                target = destination[len(SITE_PACKAGES) + 1:]
            copies.append((source, target))
    return copies


def _ignore_regex(pattern):
    """A .dockerignore pattern as a regex: Go's filepath.Match (`*` and `?` stop at /) plus `**`, which
    moby's patternmatcher reads as any number of folders, none included: `**/` is `(.*/)?`, so
    `**/*.pyc` also matches `x.pyc` at the top."""
    out, i = '', 0
    while i < len(pattern):
        if pattern.startswith('**/', i):
            out += '(.*/)?'
            i += 3
        elif pattern.startswith('**', i):
            out += '.*'
            i += 2
        elif pattern[i] == '*':
            out += '[^/]*'
            i += 1
        elif pattern[i] == '?':
            out += '[^/]'
            i += 1
        else:
            out += re.escape(pattern[i])
            i += 1
    return re.compile('^' + out + '$')


def in_build_context(path, ignore_text):
    """Whether `docker build app/` sends app/PATH: the last .dockerignore pattern that matches the path
    or one of its parent folders decides, `!` admitting (moby's fileutils.PatternMatcher)."""
    path = os.path.normpath(path).lstrip('/')
    parts = path.split('/')
    candidates = ['/'.join(parts[:n]) for n in range(1, len(parts) + 1)]
    included = True
    for line in ignore_text.splitlines():
        line = line.strip()
        if not line or line.startswith('#'):
            continue
        negate = line.startswith('!')
        regex = _ignore_regex(os.path.normpath(line.lstrip('!').strip()).lstrip('/'))
        if any(regex.match(c) for c in candidates):
            included = negate
    return included


def check_build_context(all_stages, ignore_text):
    """Every file a stage copies from the build context is in it (app/.dockerignore admits it)."""
    for index, stage in enumerate(all_stages):
        for sources, _ in context_copies(stage):
            for source in sources:
                if source in ('.', './'):
                    continue
                if not os.path.exists(os.path.join(APP_DIR, source)):
                    raise ModelError('the %s of app/Dockerfile copies %s, which app/ does not have'
                                     % (stage_label(all_stages, index), source))
                if not in_build_context(source, ignore_text):
                    raise ModelError('the %s of app/Dockerfile copies %s, but app/.dockerignore keeps it out of the '
                                     'build context: `docker build` fails (add !%s to it)'
                                     % (stage_label(all_stages, index), source, source))


def cmd(all_stages):
    for keyword, args in reversed(all_stages[-1]['instructions']):
        if keyword == 'CMD':
            return json.loads(args)
    raise ModelError('the runtime stage of app/Dockerfile has no CMD (exec form)')


def command(all_stages):
    """What the container runs: the runtime stage's last ENTRYPOINT (exec form) followed by its CMD."""
    entrypoint = []
    for keyword, args in all_stages[-1]['instructions']:
        if keyword == 'ENTRYPOINT':
            if not args.startswith('['):
                raise ModelError('the ENTRYPOINT of app/Dockerfile is in shell form: write it as a JSON array')
            entrypoint = json.loads(args)
    return entrypoint + cmd(all_stages)


def workdir(all_stages):
    """The runtime stage's working directory (Docker's default is /)."""
    folder = '/'
    for keyword, args in all_stages[-1]['instructions']:
        if keyword == 'WORKDIR':
            folder = os.path.normpath(os.path.join(folder, args.strip()))
    return folder


def image_files(all_stages, context=APP_DIR):
    """What the runtime stage's COPY/ADD instructions put in the image: ({image path: build context path}
    for files from the build context, [destination folders of COPY --from=another stage]). Follows
    Docker's rules: relative destinations are under the WORKDIR in force, a folder source copies its
    contents, a destination that ends in / or is a folder (the WORKDIR, `.`) receives the sources by name."""
    files, other_stages, folders = {}, [], set()
    current = '/'
    for keyword, args in all_stages[-1]['instructions']:
        if keyword == 'WORKDIR':
            current = os.path.normpath(os.path.join(current, args.strip()))
            folders.add(current)
            continue
        if keyword not in ('COPY', 'ADD'):
            continue
        parts = json.loads(args) if args.startswith('[') else args.split()
        flags = [p for p in parts if p.startswith('--')]
        paths = [p for p in parts if not p.startswith('--')]
        if len(paths) < 2:
            raise ModelError('cannot read %s %s in app/Dockerfile' % (keyword, args))
        sources, destination = paths[:-1], paths[-1]
        target = os.path.normpath(os.path.join(current, destination))
        if [f for f in flags if f.startswith('--from=')]:
            other_stages.append(target)
            continue
        into_folder = destination.endswith('/') or len(sources) > 1 or target in folders
        for source in sources:
            if '://' in source:
                raise ModelError('%s %s in app/Dockerfile fetches a URL: this model reads the build context only'
                                 % (keyword, source))
            matches = sorted(glob.glob(os.path.join(context, source)))
            if not matches:
                raise ModelError('%s %s in app/Dockerfile: no such file in the build context %s (docker build '
                                 'fails)' % (keyword, source, os.path.relpath(context, ROOT)))
            for match in matches:
                if os.path.isdir(match):
                    for folder, _, names in os.walk(match):
                        for name in names:
                            path = os.path.join(folder, name)
                            files[os.path.normpath(os.path.join(target, os.path.relpath(path, match)))] = path
                    folders.add(target)
                elif into_folder or len(matches) > 1:
                    files[os.path.join(target, os.path.basename(match))] = match
                    folders.add(target)
                else:
                    files[target] = match
    return files, other_stages


# Gunicorn 19.10's command-line options that take no value (gunicorn/config.py: the settings whose
# action is store_true or store_const, and argparse's --version); every other option takes one.
GUNICORN_FLAGS = {'--capture-output', '--check-config', '--daemon', '--disable-redirect-access-to-syslog',
                  '--do-handshake-on-connect', '--enable-stdio-inheritance', '--initgroups', '--log-syslog',
                  '--no-sendfile', '--preload', '--proxy-protocol', '--reload', '--reuse-port', '--spew',
                  '--strip-header-spaces', '--suppress-ragged-eofs', '-D', '-R', '-v', '--version'}
GUNICORN_SHORT = {'-c': '--config', '-b': '--bind', '-p': '--pid', '-w': '--workers', '-k': '--worker-class',
                  '-t': '--timeout', '-n': '--name', '-e': '--env', '-u': '--user', '-g': '--group', '-m': '--umask'}


def gunicorn_cli(args):
    """Gunicorn's arguments (after the program name) as {'--option': [values]} and the APP_MODULE."""
    options, positional, i = {}, [], 0
    while i < len(args):
        arg = args[i]
        if arg.startswith('-') and arg != '-':
            name, value = arg, None
            if arg.startswith('--') and '=' in arg:
                name, value = arg.split('=', 1)
            elif not arg.startswith('--') and len(arg) > 2:
                name, value = arg[:2], arg[2:]
            name = GUNICORN_SHORT.get(name, name)
            if name not in GUNICORN_FLAGS and value is None:
                i += 1
                if i >= len(args):
                    raise ModelError('gunicorn option %s in the CMD of app/Dockerfile has no value' % arg)
                value = args[i]
            options.setdefault(name, []).append(value)
        else:
            positional.append(arg)
        i += 1
    return options, positional[-1] if positional else None


# Program files that come with a package of the runtime stage, not from a COPY (aports: python2's
# APKBUILD installs /usr/bin/python2.7 and the python2 / python links; busybox is in alpine:3.7).
PACKAGE_FILES = {
    '/bin/sh': 'alpine:3.7 (busybox)',
    '/usr/bin/python2': 'python2', '/usr/bin/python2.7': 'python2', '/usr/bin/python': 'python2',
}
# Front ends that run the rest of their arguments as a command.
INIT_WRAPPERS = ('tini', 'tini-static', 'dumb-init')


def check_cmd_paths(all_stages, context=APP_DIR):
    """Every file the command names (and every module of the build context its config file and app
    import) is in the image itself: in development the code mount at the WORKDIR hides a missing one,
    on any other cluster the container exits at start and the pod crash-loops."""
    files, other_stages = image_files(all_stages, context)
    argv = command(all_stages)
    where = workdir(all_stages)
    folders = set([where])
    for path in files:
        while path != '/':
            path = os.path.dirname(path)
            folders.add(path)

    def exists(path):
        """A file or folder the runtime stage's COPYs make, or a package's program. What another stage's
        folder holds is not known here: anything under its destination passes."""
        path = os.path.normpath(path)
        return (path in files or path in folders or path in PACKAGE_FILES or
                any(path == f or path.startswith(f.rstrip('/') + '/') for f in other_stages))

    def missing(what, path, hint=''):
        raise ModelError('the command %s of app/Dockerfile names %s %s, which no COPY of the runtime stage puts in '
                         'the image%s: the container would exit at start without the development code mount'
                         % (json.dumps(argv), what, path, hint))

    def module_file(name, search):
        relative = name.replace('.', '/')
        for folder in search:
            for candidate in (relative + '.py', relative + '/__init__.py'):
                path = os.path.normpath(os.path.join(folder, candidate))
                if path in files:
                    return path
        return None

    def check_local_imports(image_path, search, seen):
        """The imports of a copied file that the build context has next to it must be copied too."""
        source = files[image_path]
        if image_path in seen or not source.endswith('.py'):
            return
        seen.add(image_path)
        for module in local_imports(source):
            found = module_file(module, search)
            if found:
                check_local_imports(found, search, seen)
            elif module_in_folder(module, os.path.dirname(source)):
                missing('(through an import in %s) the module' % image_path, module,
                        ' (the build context has it beside %s)' % os.path.relpath(source, ROOT))

    while argv and os.path.basename(argv[0]) in INIT_WRAPPERS:
        if argv[0].startswith('/') and not exists(argv[0]):
            missing('the program', argv[0], ' (add it to PACKAGE_FILES in %s if a package installs it)'
                    % os.path.basename(__file__))
        rest = argv[1:]
        argv = rest[rest.index('--') + 1:] if '--' in rest else [a for a in rest if not a.startswith('-')]
    if not argv:
        raise ModelError('app/Dockerfile has an empty command')
    if argv[0].startswith('/') and not exists(argv[0]):
        missing('the program', argv[0], ' (add it to PACKAGE_FILES in %s if a package installs it)'
                % os.path.basename(__file__))
    if os.path.basename(argv[0]) != 'gunicorn':
        for arg in argv[1:]:
            if arg.startswith('/') and not exists(arg):
                missing('the path', arg)
        return
    options, app_module = gunicorn_cli(argv[1:])
    chdir = os.path.normpath(os.path.join(where, (options.get('--chdir') or [where])[-1]))
    if not exists(chdir):
        missing('the folder (--chdir)', chdir)
    search = [chdir] + [os.path.normpath(os.path.join(chdir, p)) for values in options.get('--pythonpath', [])
                        for p in values.split(',')]
    seen = set()
    configs = options.get('--config') or []
    if not configs and os.path.join(chdir, 'gunicorn.conf.py') in files:  # 19.10 reads ./gunicorn.conf.py then
        configs = ['gunicorn.conf.py']
    for config in configs[-1:]:
        if config.startswith('python:'):
            found = module_file(config[len('python:'):], search)
            if not found:
                missing('the config module', config[len('python:'):])
        else:
            found = os.path.normpath(os.path.join(where, config[len('file:'):] if config.startswith('file:') else config))
            if found not in files:
                missing('the config file', found)
        check_local_imports(found, search, seen)
    if app_module is None:
        raise ModelError('the gunicorn command of app/Dockerfile names no APP_MODULE')
    module = app_module.split(':', 1)[0]
    found = module_file(module, search)
    if not found:
        missing('the app module', '%s (%s.py in %s)' % (module, module.replace('.', '/'), ' or '.join(search)))
    check_local_imports(found, search, seen)


def local_imports(path):
    """The top-level module names a Python file imports anywhere in it (absolute imports)."""
    with open(path) as f:
        tree = ast.parse(f.read(), path)
    names = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.extend(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            names.append(node.module)
    return [n for i, n in enumerate(names) if n not in names[:i]]


def module_in_folder(module, folder):
    relative = module.replace('.', '/')
    return (os.path.isfile(os.path.join(folder, relative + '.py')) or
            os.path.isfile(os.path.join(folder, relative, '__init__.py')))


# ---- apk's version comparison: apk-tools 2.8 (Alpine 3.7's apk), src/version.c ---------------------
# A line-by-line port, so a constraint here matches exactly what `apk add name~X` / `name=X` accept.
# Note `~X` (apk_version_compare_blob_fuzzy): equal on X's components, whatever follows them.

APK_EQUAL, APK_LESS, APK_GREATER, APK_FUZZY = 1, 2, 4, 8   # src/apk_version.h
_INVALID, _DIGIT_OR_ZERO, _DIGIT, _LETTER, _SUFFIX, _SUFFIX_NO, _REVISION_NO, _END = range(-1, 7)
_PRE_SUFFIXES = ('alpha', 'beta', 'pre', 'rc')
_POST_SUFFIXES = ('cvs', 'svn', 'git', 'hg', 'p')


class _Blob(object):
    def __init__(self, text):
        self.text, self.pos = text, 0

    def left(self):
        return len(self.text) - self.pos

    def at(self, i=0):
        return self.text[self.pos + i]


def _next_token(kind, blob):
    n = _INVALID
    if blob.left() == 0 or blob.at() == '\0':
        n = _END
    elif kind in (_DIGIT, _DIGIT_OR_ZERO) and 'a' <= blob.at() <= 'z':
        n = _LETTER
    elif kind == _LETTER and blob.at().isdigit():
        n = _DIGIT
    elif kind == _SUFFIX and blob.at().isdigit():
        n = _SUFFIX_NO
    else:
        c = blob.at()
        if c == '.':
            n = _DIGIT_OR_ZERO
        elif c == '_':
            n = _SUFFIX
        elif c == '-':
            if blob.left() > 1 and blob.at(1) == 'r':
                n = _REVISION_NO
                blob.pos += 1
            else:
                n = _INVALID
        blob.pos += 1
    if n < kind:
        if not ((n == _DIGIT_OR_ZERO and kind == _DIGIT) or (n == _SUFFIX and kind == _SUFFIX_NO) or
                (n == _DIGIT and kind == _LETTER)):
            n = _INVALID
    return n


def _get_token(kind, blob):
    """(value, next kind)."""
    value, i, following = 0, 0, _INVALID
    if blob.left() <= 0:
        return 0, _END
    rest = blob.text[blob.pos:]
    if kind == _DIGIT_OR_ZERO and rest[0] == '0':
        while i < len(rest) and rest[i] == '0':  # leading zeros: a special, smaller value
            i += 1
        following, value = _DIGIT, -i
    elif kind in (_DIGIT_OR_ZERO, _DIGIT, _SUFFIX_NO, _REVISION_NO):
        while i < len(rest) and rest[i].isdigit():
            value = (value * 10 + int(rest[i]) + 2 ** 31) % 2 ** 32 - 2 ** 31  # C int: wraps past 2^31
            i += 1
    elif kind == _LETTER:
        value, i = ord(rest[0]), 1
    elif kind == _SUFFIX:
        pre = [n for n, s in enumerate(_PRE_SUFFIXES) if rest.startswith(s)]
        post = [n for n, s in enumerate(_POST_SUFFIXES) if rest.startswith(s)]
        if pre:
            value, i = pre[0] - len(_PRE_SUFFIXES), len(_PRE_SUFFIXES[pre[0]])
        elif post:
            value, i = post[0], len(_POST_SUFFIXES[post[0]])
        else:
            return -1, _INVALID
    else:
        return -1, _INVALID
    blob.pos += i
    if blob.left() == 0:
        return value, _END
    if following != _INVALID:
        return value, following
    return value, _next_token(kind, blob)


def apk_version_validate(version):
    kind, blob = _DIGIT, _Blob(version)
    while kind not in (_END, _INVALID):
        _, kind = _get_token(kind, blob)
    return kind == _END


def apk_version_compare(a, b, fuzzy=False):
    """APK_LESS, APK_EQUAL or APK_GREATER: version a against b (apk_version_compare_blob_fuzzy)."""
    at = bt = _DIGIT
    av = bv = 0
    a, b = _Blob(a), _Blob(b)
    while at == bt and at not in (_END, _INVALID) and av == bv:
        av, at = _get_token(at, a)
        bv, bt = _get_token(bt, b)
    if av < bv:
        return APK_LESS
    if av > bv:
        return APK_GREATER
    if at == bt or fuzzy:
        return APK_EQUAL
    # Equal so far: the longer version is greater unless what follows is a pre-release suffix.
    if at == _SUFFIX and _get_token(at, a)[0] < 0:
        return APK_LESS
    if bt == _SUFFIX and _get_token(bt, b)[0] < 0:
        return APK_GREATER
    if at > bt:
        return APK_LESS
    if bt > at:
        return APK_GREATER
    return APK_EQUAL


def apk_satisfies(version, op, wanted):
    """Whether a package at `version` satisfies the constraint `name<op><wanted>` (src/package.c:
    apk_blob_pull_dep builds the mask, apk_dep_is_provided applies it)."""
    if not op:
        return True
    mask, fuzzy = 0, False
    for c in op:
        if c == '<':
            mask |= APK_LESS
        elif c == '>':
            mask |= APK_GREATER
        elif c == '~':
            mask |= APK_FUZZY | APK_EQUAL
            fuzzy = True
        elif c == '=':
            mask |= APK_EQUAL
    if mask & (APK_LESS | APK_GREATER) == APK_LESS | APK_GREATER:
        raise ModelError('apk constraint %s%s is a checksum match, which this model does not read' % (op, wanted))
    if not apk_version_validate(wanted):
        raise ModelError('apk would reject the version %r of constraint %s%s as invalid' % (wanted, op, wanted))
    return bool(apk_version_compare(version, wanted, fuzzy) & mask)


# ---- the rules the image has to follow ----------------------------------------------------------------

def check_alpine_packages(all_stages):
    """Every stage is FROM alpine:3.7 and every `apk add` constraint is one Alpine 3.7 can satisfy."""
    for index, stage in enumerate(all_stages):
        label = stage_label(all_stages, index)
        if stage['from'] != BASE_IMAGE:
            raise ModelError('the %s of app/Dockerfile is FROM %s; the image (and this model\'s ALPINE_37 table) '
                             'is %s' % (label, stage['from'], BASE_IMAGE))
        for name, op, version in apk_packages(stage):
            if name not in ALPINE_37:
                raise ModelError('the %s of app/Dockerfile asks apk for %s, which ALPINE_37 in %s does not list: '
                                 'add it with its Alpine 3.7 version and the source of that version'
                                 % (label, name, os.path.basename(__file__)))
            if not apk_satisfies(ALPINE_37[name], op, version):
                raise ModelError('the %s of app/Dockerfile asks apk for %s%s%s, but Alpine 3.7 has %s %s: '
                                 '`apk add` fails (unsatisfiable constraints)'
                                 % (label, name, op, version, name, ALPINE_37[name]))


def requirement_names(text):
    """Lower-case project names of a requirements file."""
    names = []
    for line in text.splitlines():
        spec = line.split('#', 1)[0].strip()
        if spec:
            names.append(re.split(r'[=<>!~ \[;]', spec, 1)[0].lower())
    return names


def check_build_stage(all_stages, copied, names):
    """The stage that runs `pip install --prefix` has what compiling app/requirements.txt needs."""
    stage = all_stages[copied['stage']]
    label = stage_label(all_stages, copied['stage'])
    requirements = os.path.basename(copied['requirements'])
    copies = [a.split() for k, a in stage['instructions'] if k in ('COPY', 'ADD')]
    if not any(requirements in [os.path.basename(p) for p in parts[:-1]] for parts in copies):
        raise ModelError('the %s of app/Dockerfile runs pip install -r %s without copying %s into it first'
                         % (label, copied['requirements'], requirements))
    installed = set(name for name, _, _ in apk_packages(stage))
    needs = [BUILD_PIP] + [need for name in names for need in BUILD_NEEDS.get(name, ())]
    for package, why in needs:
        if package not in installed:
            raise ModelError('the %s of app/Dockerfile does not apk add %s (%s): `pip install -r %s` fails there'
                             % (label, package, why, copied['requirements']))


def check_runtime_stage(all_stages, copied, names):
    runtime = all_stages[-1]
    destination = copied['destination'].rstrip('/') or '/'
    if destination != PYTHON_PREFIX:
        raise ModelError('the runtime stage of app/Dockerfile copies the pip prefix %s to %s, not %s: Alpine\'s python2 '
                         'only looks in %s/lib/python2.7/site-packages, and gunicorn must be in %s/bin'
                         % (copied['prefix'], copied['destination'], PYTHON_PREFIX, PYTHON_PREFIX, PYTHON_PREFIX))
    installed = set(name for name, _, _ in apk_packages(runtime))
    for name in names:
        if name in NATIVE_RUNTIME and NATIVE_RUNTIME[name][0] not in installed:
            package, why = NATIVE_RUNTIME[name]
            raise ModelError('the runtime stage of app/Dockerfile does not apk add %s: %s' % (package, why))
    check_user(runtime)


def check_user(runtime):
    """The CMD runs as a numeric, non-root user: Kubernetes' runAsNonRoot can only verify a numeric uid.
    The stage's last USER is the image's, wherever it stands relative to CMD."""
    users = [args.strip() for keyword, args in runtime['instructions'] if keyword == 'USER']
    if not users:
        raise ModelError('the runtime stage of app/Dockerfile has no USER: its CMD would run as root '
                         '(add a numeric non-root USER, e.g. USER 10001:10001)')
    user = users[-1]
    uid, _, gid = user.partition(':')
    if not uid.isdigit() or (gid and not gid.isdigit()):
        raise ModelError('USER %s in app/Dockerfile is not numeric: with runAsNonRoot the kubelet refuses to start '
                         'it ("image has non-numeric user, cannot verify user is non-root")' % user)
    if int(uid) == 0:
        raise ModelError('USER %s in app/Dockerfile is root' % user)


# ---- from packages to a Python environment ---------------------------------------------------------

def upstream_version(alpine_version):
    """The upstream part of an Alpine version: 33.1.1-r1 -> 33.1.1."""
    return re.sub(r'-r[0-9]+$', '', alpine_version)


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
    """The runtime stage as this machine can reproduce it, after app/Dockerfile passed the rules above."""

    def __init__(self, dockerfile=DOCKERFILE, text=None):
        if text is None:
            with open(dockerfile) as f:
                text = f.read()
        self.stages = stages(text)
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
        check_alpine_packages(self.stages)
        interpreters = [name for name, _, _ in self.apk if APK_PROVIDES[name][0] == 'interpreter']
        if not interpreters:
            raise ModelError('the runtime stage installs no Python interpreter (apk python2)')
        self.python_version = ALPINE_37[interpreters[0]]
        self.apk_pip = ['%s==%s' % (APK_PROVIDES[name][1], upstream_version(ALPINE_37[name]))
                        for name, _, _ in self.apk if APK_PROVIDES[name][0] == 'pip']
        self.copied = pip_prefix_copied(self.stages)
        with open(os.path.join(APP_DIR, self.copied['requirements'])) as f:
            requirements_text = f.read()
        names = requirement_names(requirements_text)
        check_build_stage(self.stages, self.copied, names)
        check_runtime_stage(self.stages, self.copied, names)
        check_cmd_paths(self.stages)
        self.requirements = requirements_for_here(requirements_text)
        self.pip_specs = self.requirements + self.apk_pip
        with open(DOCKERIGNORE) as f:
            check_build_context(self.stages, f.read())
        self.site_copies = site_copies(self.stages)

    def describe(self):
        return ('apk: %s; pip prefix from the build stage: %s'
                % (' '.join(n + (o or '') + (v or '') for n, o, v in self.apk), ' '.join(self.requirements)))

    def key(self):
        blob = json.dumps({'python': list(sys.version_info[:3]), 'pip': self.pip_specs,
                           'copied': [target for _, target in self.site_copies]}, sort_keys=True)
        return hashlib.sha256(blob.encode('utf-8')).hexdigest()[:16]

    def prepare(self, base_python=None):
        """Installs (once per content) and returns (site folder, interpreter wrapper path). The files the
        runtime stage copies into site-packages are copied afresh each time, into a folder of their own
        on the wrapper's path."""
        base_python = base_python or os.environ.get('PYTHON27') or sys.executable
        self.check_stand_in(base_python)
        self.base_python = base_python
        home = os.path.join(CACHE, self.key())
        site, wrapper = os.path.join(home, 'site'), os.path.join(home, 'python')
        self._install_once(base_python, home, site, wrapper)
        self._copy_site_files(home)
        return site, wrapper

    def _copy_site_files(self, home):
        work = tempfile.mkdtemp(prefix='copied-', dir=home)
        for source, target in self.site_copies:
            shutil.copy(os.path.join(APP_DIR, source), os.path.join(work, target))
        final = os.path.join(home, 'copied')
        old = final + '.old-%d' % os.getpid()
        try:
            os.rename(final, old)
        except OSError:
            pass
        os.rename(work, final)
        shutil.rmtree(old, ignore_errors=True)

    def _install_once(self, base_python, home, site, wrapper):
        if not os.path.isfile(wrapper):
            if not os.path.isdir(CACHE):
                os.makedirs(CACHE)
            work = tempfile.mkdtemp(prefix='tmp-', dir=CACHE)
            try:
                self._install(base_python, os.path.join(work, 'site'))
                _write_wrapper(os.path.join(work, 'python'), os.path.realpath(base_python),
                               [site, os.path.join(home, 'copied')])
                with open(os.path.join(work, 'model.json'), 'w') as f:
                    json.dump({'apk': self.apk, 'pip': self.pip_specs}, f, indent=1)
                try:
                    os.rename(work, home)
                except OSError:
                    if not os.path.isfile(wrapper):  # not a concurrent run that got there first
                        raise
            finally:
                shutil.rmtree(work, ignore_errors=True)

    def check_stand_in(self, base_python):
        """The test interpreter stands in for Alpine's python2 only within the same X.Y series."""
        series = '.'.join(upstream_version(self.python_version).split('.')[:2])
        ok, out = run_argv([base_python, '-S', '-s', '-E', '-c', 'import sys; print("%d.%d" % sys.version_info[:2])'])
        if not ok or out != series:
            raise ModelError('the image\'s python2 is %s, but the stand-in interpreter %s is %s: set PYTHON27 to a '
                             'Python %s' % (self.python_version, base_python, out if ok else 'not runnable', series))

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


def _write_wrapper(path, real_python, folders):
    """An executable that starts real_python like the image's python2: standard library plus `folders`
    (what the image's site-packages holds) only. -S: no site module, so no site-packages of the test
    Python; -E: the wrapper ignores the caller's PYTHONPATH; the child gets PYTHONPATH=folders and the
    image's PYTHON* settings only."""
    source = '''#!%(python)s -SEs
import os, sys
env = dict((k, v) for k, v in os.environ.items() if not k.startswith('PYTHON'))
env.update(PYTHONPATH=%(path)r, PYTHONDONTWRITEBYTECODE='1', PYTHONUNBUFFERED='1')
os.execve(%(python)r, [%(python)r, '-S', '-s'] + sys.argv[1:], env)
''' % {'python': real_python, 'path': os.pathsep.join(folders)}
    with open(path, 'w') as f:
        f.write(source)
    os.chmod(path, 0o755)


# ---- what the CMD needs -----------------------------------------------------------------------------

def imports_of(path):
    """[(module, [names])] a Python file imports at top level: `import a.b` gives ('a.b', []);
    `from a import b, c` gives ('a', ['b', 'c']), where b may be a submodule or any other name."""
    with open(path) as f:
        tree = ast.parse(f.read(), path)
    found = []
    for node in tree.body:
        if isinstance(node, ast.Import):
            found.extend((alias.name, []) for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            found.append((node.module, [alias.name for alias in node.names if alias.name != '*']))
    return found


def in_standard_library(base_python, module):
    """Whether a bare interpreter (no site module, no user site, no PYTHON* variables) imports `module`:
    what it cannot import, the image has to install."""
    return run_argv([base_python, '-S', '-s', '-E', '-c', 'import ' + module])[0]


def third_party_imports(base_python, runtime_python, paths, local_dir):
    """Modules the files import that neither the standard library nor local_dir provides. Decided
    without looking at what the runtime has, so a module missing from it is listed, not dropped;
    `from a import b` also lists a.b when the runtime has it as a submodule."""
    modules = []
    for path in paths:
        for module, names in imports_of(path):
            top = module.split('.')[0]
            if os.path.isfile(os.path.join(local_dir, top + '.py')) or os.path.isdir(os.path.join(local_dir, top)):
                continue
            if in_standard_library(base_python, module):
                continue
            for candidate in [module] + [module + '.' + name for name in names]:
                if candidate not in modules and (candidate == module or try_import(runtime_python, candidate)[0]):
                    modules.append(candidate)
    return modules


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
