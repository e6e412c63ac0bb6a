"""What the app container runs, as the policy tests need it: the image's command, WORKDIR, ENV and
files (app/Dockerfile, read by Tests/AppTests/runtime_image.py, the one Dockerfile reader), combined
with a rendered container spec, and the Gunicorn settings that result (gunicorn 19.10.0's order:
defaults, the config file, GUNICORN_CMD_ARGS, the command line; app/base.py load_config).

The config file is read, not run: each setting must be a literal or built from literals and the
environment (os.getenv / os.environ.get / os.environ[...], +, %, str(), int()). Anything else is a
one-line UnreadableSetting naming the setting, so a test says what it cannot check instead of passing.
"""
import ast
import json
import os
import shlex
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "AppTests"))
import runtime_image  # noqa: E402  (Python 2/3 code: the Dockerfile reader of the image model)

GUNICORN_DEFAULT_PORT = 8000  # gunicorn/util.py parse_address: an address without a port


class UnreadableSetting(Exception):
    pass


def dockerfile():
    return runtime_image.stages(open(runtime_image.DOCKERFILE).read())


def image_env(stages):
    """The runtime stage's ENV (both `ENV A=1 B=2` and `ENV A 1`)."""
    env = {}
    for keyword, args in stages[-1]["instructions"]:
        if keyword != "ENV":
            continue
        words = shlex.split(args)
        if words and "=" not in words[0]:
            env[words[0]] = " ".join(words[1:])
        else:
            env.update(w.split("=", 1) for w in words)
    return env


def container_env(container, stages):
    """The container's environment as far as the manifests say it: the image's ENV, then the
    container's env values (a value from a Secret or field is unknown here: None)."""
    env = image_env(stages)
    for item in container.get("env", []):
        env[item["name"]] = item.get("value")
    return env


def container_command(container, stages):
    """What the container runs: Kubernetes' command replaces the image's ENTRYPOINT, args its CMD
    (and a command without args drops the CMD)."""
    entrypoint, cmd = [], []
    for keyword, args in stages[-1]["instructions"]:
        if keyword == "ENTRYPOINT":
            entrypoint = json.loads(args)
        elif keyword == "CMD":
            cmd = json.loads(args)
    if "command" in container:
        return container["command"] + container.get("args", [])
    return entrypoint + container.get("args", cmd)


def working_dir(container, stages):
    return container.get("workingDir") or runtime_image.workdir(stages)


def gunicorn_argv(argv):
    """The gunicorn command inside an init wrapper (tini -- gunicorn ...), or None."""
    while argv and os.path.basename(argv[0]) in runtime_image.INIT_WRAPPERS:
        rest = argv[1:]
        argv = rest[rest.index("--") + 1:] if "--" in rest else [a for a in rest if not a.startswith("-")]
    return argv if argv and os.path.basename(argv[0]) == "gunicorn" else None


# ---- reading a config file -----------------------------------------------------------------------

def _dotted(node):
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        base = _dotted(node.value)
        return base and "%s.%s" % (base, node.attr)
    return None


def evaluate(node, env, where):
    """The value of an expression made of literals and environment look-ups."""
    if isinstance(node, ast.Constant):
        return node.value
    if isinstance(node, (ast.List, ast.Tuple)):
        return [evaluate(e, env, where) for e in node.elts]
    if isinstance(node, ast.Call) and not node.keywords:
        name = _dotted(node.func)
        args = [evaluate(a, env, where) for a in node.args]
        if name in ("os.getenv", "os.environ.get") and 1 <= len(args) <= 2:
            value = env.get(args[0])
            return value if value is not None else (args[1] if len(args) == 2 else None)
        if name in ("str", "int") and len(args) == 1:
            return {"str": str, "int": int}[name](args[0])
        if isinstance(node.func, ast.Attribute) and node.func.attr == "format" and \
                isinstance(node.func.value, ast.Constant):
            return node.func.value.value.format(*args)
    if isinstance(node, ast.Subscript) and _dotted(node.value) == "os.environ":
        key = evaluate(node.slice, env, where)
        if env.get(key) is None:
            raise UnreadableSetting("%s reads os.environ[%r], which the container does not set" % (where, key))
        return env[key]
    if isinstance(node, ast.BinOp) and isinstance(node.op, (ast.Add, ast.Mod)):
        left, right = evaluate(node.left, env, where), evaluate(node.right, env, where)
        return left + right if isinstance(node.op, ast.Add) else left % right
    raise UnreadableSetting("%s is not made of literals and environment look-ups: %s" % (where, ast.dump(node)[:120]))


def config_assignments(path, files, search, seen=None):
    """{name: (expression, where)} of a config file's top-level assignments, after those of the local
    modules it star-imports (image paths: `files` maps them to the build context)."""
    seen = seen if seen is not None else set()
    if path in seen:
        return {}
    seen.add(path)
    tree = ast.parse(open(files[path]).read(), files[path])
    found = {}
    for node in tree.body:
        if isinstance(node, ast.ImportFrom) and any(a.name == "*" for a in node.names) and node.module:
            for folder in search:
                module = os.path.join(folder, node.module.replace(".", "/") + ".py")
                if module in files:
                    found.update(config_assignments(module, files, search, seen))
        elif isinstance(node, ast.Assign):
            for target in node.targets:
                if isinstance(target, ast.Name):
                    found[target.id] = (node.value, "%s: %s (line %d)" % (path, target.id, node.lineno))
    return found


# ---- the settings -------------------------------------------------------------------------------

SETTINGS = {"bind": "--bind", "worker_tmp_dir": "--worker-tmp-dir", "pidfile": "--pid",
            "accesslog": "--access-logfile", "errorlog": "--error-logfile", "chdir": "--chdir"}


def gunicorn_settings(container, stages):
    """The settings in SETTINGS as the container's Gunicorn would hold them (None: Gunicorn's default).
    bind is a list of addresses."""
    argv = gunicorn_argv(container_command(container, stages))
    assert argv, "the app container does not run gunicorn: %s" % container_command(container, stages)
    env = container_env(container, stages)
    files, _ = runtime_image.image_files(stages)
    cwd = working_dir(container, stages)
    cli, _ = runtime_image.gunicorn_cli(argv[1:])
    from_env, _ = runtime_image.gunicorn_cli(shlex.split(env.get("GUNICORN_CMD_ARGS") or ""))
    port = env.get("PORT")
    values = {name: None for name in SETTINGS}
    values["bind"] = ["0.0.0.0:%s" % port] if port else ["127.0.0.1:%d" % GUNICORN_DEFAULT_PORT]
    config = (cli.get("--config") or from_env.get("--config") or [None])[-1]
    if config is None and os.path.join(cwd, "gunicorn.conf.py") in files:
        config = "gunicorn.conf.py"
    if config is not None:
        if config.startswith("python:"):
            raise UnreadableSetting("the config is a module (%s): this reader takes a file" % config)
        path = os.path.normpath(os.path.join(cwd, config[len("file:"):] if config.startswith("file:") else config))
        assert path in files, "the config file %s is not in the image (see the image model's rule)" % path
        chdir = os.path.normpath(os.path.join(cwd, (cli.get("--chdir") or [cwd])[-1]))
        assignments = config_assignments(path, files, [chdir])
        for name in SETTINGS:
            if name in assignments:
                expression, where = assignments[name]
                values[name] = evaluate(expression, env, where)
    for options in (from_env, cli):
        for name, flag in SETTINGS.items():
            if flag in options:
                values[name] = options[flag] if name == "bind" else options[flag][-1]
    if isinstance(values["bind"], str):
        values["bind"] = [values["bind"]]
    return values


def bind_addresses(addresses):
    """[(host, port)] of Gunicorn bind addresses (gunicorn/util.py parse_address); unix sockets
    and fd:// are left out (no TCP port)."""
    found = []
    for address in addresses:
        if address.startswith(("unix:", "fd://")):
            continue
        address = address[len("tcp://"):] if address.startswith("tcp://") else address
        if address.startswith("["):
            host, _, rest = address[1:].partition("]")
            port = rest[1:] if rest.startswith(":") else ""
        elif address.count(":") == 1:
            host, port = address.split(":")
        else:
            host, port = address, ""
        found.append((host, int(port) if port else GUNICORN_DEFAULT_PORT))
    return found
