# shellcheck shell=bash
# Functions shared by the provisioning scripts. Tests run the scripts against stand-in system
# commands (Tests/InfraTests/test_provision_sim.py) with these paths pointed at a temporary root:
#   DEVENV_ROOT        prefix for /etc and /var (empty on the VM)
#   DEVENV_SHARED_DIR  the repo as the VM sees it (/vagrant)

DEVENV_ROOT=${DEVENV_ROOT:-}
DEVENV_SHARED_DIR=${DEVENV_SHARED_DIR:-/vagrant}
DEVENV_STATE_DIR=${DEVENV_STATE_DIR:-$DEVENV_ROOT/var/lib/devenv}
DEVENV_STEP=${DEVENV_STEP:-provision}
APP_IMAGE=${APP_IMAGE:-devenv-app:dev}

log() { printf '==> devenv: %s\n' "$*"; }
# One line: the step that failed, what failed, and the command to run next.
fail() { printf '==> devenv: ERROR: step %s: %s\n' "$DEVENV_STEP" "$*" >&2; exit 1; }

# Reads settings.env (KEY=value lines, '#' comments) into shell variables. Parsed, never sourced.
load_settings() {
  local file=${DEVENV_SETTINGS:-$DEVENV_SHARED_DIR/settings.env} line key value
  [ -r "$file" ] || fail "no settings file at $file: is the repo mounted at $DEVENV_SHARED_DIR? (vagrant reload)"
  while IFS= read -r line || [ -n "$line" ]; do
    line=${line%$'\r'} # a Windows checkout may have CRLF line ends
    case "$line" in '' | '#'*) continue ;; esac
    key=${line%%=*}
    value=${line#*=}
    [[ "$line" == *=* && "$key" =~ ^[A-Z][A-Z0-9_]*$ ]] || fail "$file: not KEY=value: $line"
    printf -v "$key" '%s' "$value"
  done <"$file"
  for key in VM_IP API_HOST_PORT APP_HOST_PORT NAMESPACE K3S_VERSION DOCKER_VERSION; do
    [ -n "${!key:-}" ] || fail "$file has no $key"
  done
}

# Runs a command with its output captured; prints the output only when it fails.
quiet() {
  local out
  if out=$("$@" 2>&1); then return 0; fi
  printf '%s\n' "$out" >&2
  return 1
}

# apt-get, waiting (bounded) while another apt/dpkg holds its lock: on a first boot apt-daily and
# unattended-upgrades often do. xenial's apt (1.2) has no DPkg::Lock::Timeout option.
APT_LOCK_WAIT=${APT_LOCK_WAIT:-300}
APT_LOCK_POLL=5
apt_get() { apt_locked apt-get "$@"; }
# apt-mark hold takes the dpkg lock too.
apt_mark() { apt_locked apt-mark "$@"; }
apt_locked() {
  local out waited=0
  while :; do
    if out=$("$@" 2>&1); then return 0; fi
    case "$out" in
      *"Could not get lock"* | *"Unable to lock"* | *"Unable to acquire the dpkg frontend lock"*) ;;
      # apt-mark hold runs dpkg --set-selections, which says it its own way (xenial's dpkg 1.18).
      *"database is locked"* | *"database lock was locked"* | *"Executing dpkg failed"*) ;;
      *) printf '%s\n' "$out" >&2; fail "$1 $2 failed (output above): run \`vagrant provision\` to retry" ;;
    esac
    if [ "$waited" -ge "$APT_LOCK_WAIT" ]; then
      fail "another apt/dpkg process held the package lock for ${APT_LOCK_WAIT}s: run \`vagrant ssh -c 'ps -o pid,etime,cmd -C apt-get,apt,dpkg,unattended-upgr'\`, then \`vagrant provision\` once it is done"
    fi
    [ "$waited" -gt 0 ] || log "waiting for another apt/dpkg to release the package lock (up to ${APT_LOCK_WAIT}s)"
    sleep "$APT_LOCK_POLL"
    waited=$((waited + APT_LOCK_POLL))
  done
}

# Writes CONTENT to FILE only when it differs; returns 0 when it changed the file.
write_if_changed() {
  local file=$1 content=$2
  if [ -f "$file" ] && [ "$(cat "$file")" = "$content" ]; then return 1; fi
  mkdir -p "$(dirname "$file")"
  printf '%s\n' "$content" >"$file.tmp.$$"
  mv -f "$file.tmp.$$" "$file"
}

# The hash of what the app image is built from (not the code: code is mounted, never baked for dev):
# the Dockerfile, the pins and devenv's reload engine, which the image installs outside the mount.
image_inputs_hash() {
  local app_dir=$1
  cat "$app_dir/Dockerfile" "$app_dir/requirements.txt" "$app_dir/.reload-engine/devenv_reload.py" \
    | sha256sum | cut -d' ' -f1
}

# True (0) when the image must be (re)built: it is missing, or its inputs changed since the last build.
image_needs_build() {
  local app_dir=$1 stamp="$DEVENV_STATE_DIR/app-image.sha256"
  docker image inspect "$APP_IMAGE" >/dev/null 2>&1 || return 0
  [ -f "$stamp" ] || return 0
  [ "$(cat "$stamp")" != "$(image_inputs_hash "$app_dir")" ]
}

# Builds the app image when needed; prints "built" or "unchanged".
build_app_image() {
  local app_dir=$1
  if image_needs_build "$app_dir"; then
    docker build --pull=false -t "$APP_IMAGE" "$app_dir" >&2 \
      || fail "docker build of $APP_IMAGE failed (output above): fix app/Dockerfile or app/requirements.txt, then run \`vagrant provision\`"
    mkdir -p "$DEVENV_STATE_DIR"
    image_inputs_hash "$app_dir" >"$DEVENV_STATE_DIR/app-image.sha256"
    echo built
  else
    echo unchanged
  fi
}

# The host-side kubeconfig: k3s's own with the server at the forwarded port and every name
# (cluster, user, context) `devenv`, so it merges cleanly into a user's ~/.kube/config.
rewrite_kubeconfig() {
  local source=$1 port=${API_HOST_PORT:?load_settings first}
  sed -e 's#^\(\s*server:\s*\)https://[^[:space:]]*#\1https://127.0.0.1:'"$port"'#' \
      -e 's#^\(\s*\)\(name\|cluster\|user\):\s*default\s*$#\1\2: devenv#' \
      -e 's#^\(\s*\)\(current-context\):\s*default\s*$#\1\2: devenv#' \
      -e 's#^\(\s*\)- name:\s*default\s*$#\1- name: devenv#' \
      "$source"
}

# Writes the rewritten kubeconfig to DEST atomically, mode 600 where the filesystem allows
# (a VirtualBox shared folder ignores it: README, "kubectl from the host").
install_kubeconfig() {
  local source=$1 dest=$2 tmp
  [ -r "$source" ] || fail "no kubeconfig at $source: run \`vagrant ssh -c 'sudo systemctl status k3s'\`"
  mkdir -p "$(dirname "$dest")"
  tmp="$dest.tmp.$$"
  (umask 077 && rewrite_kubeconfig "$source" >"$tmp")
  chmod 600 "$tmp" 2>/dev/null || true
  mv -f "$tmp" "$dest"
}

# The network interface that holds IP (k3s otherwise picks the NAT interface for flannel).
iface_for_ip() {
  local ip=$1 addrs iface
  addrs=$(ip -o -4 addr show) || fail "\`ip -o -4 addr show\` failed"
  iface=$(awk -v ip="$ip" '{ split($4, a, "/"); if (a[1] == ip) { print $2; exit } }' <<<"$addrs")
  [ -n "$iface" ] || fail "no network interface has $ip: check the private_network in the Vagrantfile, then run \`vagrant reload --provision\`"
  echo "$iface"
}

# k3s's config file for this VM. prefer-bundled-bin: k3s's own iptables, not xenial's 1.6.0
# (NAT/masquerade regressions on old host iptables: k3s-io/k3s#6047, #7096). It is read from
# config.yaml (not config.yaml.d: k3s-io/k3s#7316).
render_k3s_config() {
  local node_ip=$1 iface=$2
  cat <<CONFIG
# Written by provision/k3s.sh; edits are overwritten by the next provision.
docker: true
prefer-bundled-bin: true
node-ip: "$node_ip"
flannel-iface: "$iface"
write-kubeconfig-mode: "0644"
tls-san:
  - "$node_ip"
  - "127.0.0.1"
disable:
  - traefik
  - servicelb
  - metrics-server
CONFIG
}

# systemd drop-in: k3s starts after Docker (and with it), so a boot never races the Docker socket.
# Requires= also restarts k3s when Docker restarts (systemd.unit), whose containers die anyway.
render_k3s_dropin() {
  cat <<'DROPIN'
# Written by provision/k3s.sh: k3s uses Docker (cri-dockerd), so it starts after it.
[Unit]
After=docker.service
Requires=docker.service
DROPIN
}

# Docker's daemon.json: container logs (k3s pods' too, via cri-dockerd) rotate instead of
# growing without bound. log-opts values must be strings (Docker docs, json-file driver).
render_docker_daemon_json() {
  cat <<'JSON'
{
  "log-driver": "json-file",
  "log-opts": {
    "max-size": "10m",
    "max-file": "3"
  }
}
JSON
}

# Waits for a rollout; on failure says which workload, for how long, and what to run next.
wait_rollout() {
  local kind=$1 name=$2 timeout=${3:-300}
  if ! kubectl -n "$NAMESPACE" rollout status "$kind/$name" --timeout="${timeout}s"; then
    kubectl -n "$NAMESPACE" get pods -l "app.kubernetes.io/name=$name" -o wide >&2 || true
    fail "$kind/$name was not ready within ${timeout}s: run \`kubectl -n $NAMESPACE describe pod -l app.kubernetes.io/name=$name\` (on the host: export KUBECONFIG=\$PWD/.devenv/kubeconfig)"
  fi
}
