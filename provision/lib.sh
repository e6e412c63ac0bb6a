# shellcheck shell=bash
# Functions shared by the provisioning scripts. Decision logic lives here so tests can run it
# with stand-in docker/kubectl/ip on PATH and temporary state folders.

DEVENV_STATE_DIR=${DEVENV_STATE_DIR:-/var/lib/devenv}
DEVENV_SHARED_DIR=${DEVENV_SHARED_DIR:-/vagrant}
APP_IMAGE=${APP_IMAGE:-devenv-app:dev}

log() { printf '==> devenv: %s\n' "$*"; }
fail() { printf '==> devenv: ERROR: %s\n' "$*" >&2; exit 1; }

# The hash of what the app image is built from (not the code: code is mounted, never baked for dev).
image_inputs_hash() {
  local app_dir=$1
  cat "$app_dir/Dockerfile" "$app_dir/requirements.txt" | sha256sum | cut -d' ' -f1
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
    docker build --pull=false -t "$APP_IMAGE" "$app_dir" >&2 || fail "docker build of $APP_IMAGE failed (see above)"
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
  local source=$1
  sed -e 's#^\(\s*server:\s*\)https://[^[:space:]]*#\1https://127.0.0.1:6443#' \
      -e 's#^\(\s*\)\(name\|cluster\|user\):\s*default\s*$#\1\2: devenv#' \
      -e 's#^\(\s*\)\(current-context\):\s*default\s*$#\1\2: devenv#' \
      -e 's#^\(\s*\)- name:\s*default\s*$#\1- name: devenv#' \
      "$source"
}

# Writes the rewritten kubeconfig to DEST atomically, mode 600 where the filesystem allows.
install_kubeconfig() {
  local source=$1 dest=$2 tmp
  [ -r "$source" ] || fail "no kubeconfig at $source: is k3s running? (systemctl status k3s)"
  mkdir -p "$(dirname "$dest")"
  tmp="$dest.tmp.$$"
  (umask 077 && rewrite_kubeconfig "$source" >"$tmp")
  chmod 600 "$tmp" 2>/dev/null || true
  mv -f "$tmp" "$dest"
}

# The network interface that holds IP (k3s otherwise picks the NAT interface for flannel).
iface_for_ip() {
  local ip=$1 iface
  iface=$(ip -o -4 addr show | awk -v ip="$ip" '{ split($4, a, "/"); if (a[1] == ip) { print $2; exit } }')
  [ -n "$iface" ] || fail "no network interface has $ip: check the private_network in the Vagrantfile"
  echo "$iface"
}

# k3s's config file for this VM.
render_k3s_config() {
  local node_ip=$1 iface=$2
  cat <<CONFIG
# Written by provision/k3s.sh; edits are overwritten by the next provision.
docker: true
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

# Waits for a rollout; on failure says which workload, for how long, and what to run next.
wait_rollout() {
  local kind=$1 name=$2 timeout=${3:-300}
  if ! kubectl -n devenv rollout status "$kind/$name" --timeout="${timeout}s"; then
    kubectl -n devenv get pods -l "app.kubernetes.io/name=$name" -o wide || true
    fail "$kind/$name was not ready within ${timeout}s: run \`kubectl -n devenv describe pod -l app.kubernetes.io/name=$name\` (from the host: export KUBECONFIG=\$PWD/.devenv/kubeconfig)"
  fi
}
