#!/usr/bin/env bash
# Single-node k3s on the VM's Docker (embedded cri-dockerd): images built by `docker build` in the
# VM are used as they are, no registry. v1.34 is the last line that runs on cgroup v1 (16.04) by
# default. Pinned in settings.env (K3S_VERSION).
set -euo pipefail
# shellcheck source=provision/lib.sh
. "$(dirname "$0")/lib.sh" 2>/dev/null || . /vagrant/provision/lib.sh
DEVENV_STEP=k3s
timing_start k3s
load_settings
NODE_READY_TRIES=60 # x 5 s
K3S_START_TRIES=150 # x 2 s: the first start unpacks k3s's data and starts the control plane
k3s_etc="$DEVENV_ROOT/etc/rancher/k3s"
dropin="$DEVENV_ROOT/etc/systemd/system/k3s.service.d/10-after-docker.conf"

# Both files are in place before the install script first starts k3s.
iface=$(iface_for_ip "$VM_IP")
config_changed=no
if write_if_changed "$k3s_etc/config.yaml" "$(render_k3s_config "$VM_IP" "$iface")"; then
  config_changed=yes
fi
dropin_changed=no
if write_if_changed "$dropin" "$(render_k3s_dropin)"; then dropin_changed=yes; fi
if write_if_changed "${dropin%/*}/20-proxy.conf" "$(render_k3s_proxy_dropin)"; then dropin_changed=yes; fi
proxy_changed=no
if write_if_changed "$DEVENV_ROOT$K3S_PROXY_ENV" "$(render_k3s_proxy_env)"; then proxy_changed=yes; fi

# k3s is started here, never by install.sh: its unit is Type=notify with TimeoutStartSec=0, so a
# k3s that runs but never reports ready would hold a blocking `systemctl start` (and vagrant up)
# for ever. --no-block, then a bounded wait for systemd to call it active.
start_k3s() {
  local verb=$1 state=
  systemctl --no-block "$verb" k3s \
    || fail "systemctl $verb k3s failed: run \`vagrant ssh -c 'sudo journalctl -u k3s --no-pager -n 100'\`"
  log "waiting for k3s to start (up to $((K3S_START_TRIES * 2))s)"
  for _ in $(seq 1 "$K3S_START_TRIES"); do
    state=$(systemctl is-active k3s 2>/dev/null || true)
    if [ "$state" = active ]; then return 0; fi
    sleep 2
  done
  fail "k3s did not start within $((K3S_START_TRIES * 2))s (systemd says ${state:-nothing}): run \`vagrant ssh -c 'sudo journalctl -u k3s --no-pager -n 100'\`"
}

start=
# Captured, then matched: `k3s --version | grep -q` could fail under pipefail when grep exits at
# the first match and k3s dies of SIGPIPE, and that would reinstall k3s on every provision.
installed=$(k3s --version 2>/dev/null || true)
if [[ "$installed" == *"k3s version $K3S_VERSION "* ]]; then
  log "k3s $K3S_VERSION already installed"
  if [ "$dropin_changed" = yes ]; then systemctl daemon-reload; fi
  if [ "$config_changed" = yes ] || [ "$dropin_changed" = yes ] || [ "$proxy_changed" = yes ]; then
    log "k3s configuration changed: restarting k3s"
    start=restart
  fi
else
  log "installing k3s $K3S_VERSION (flannel on $iface)"
  mkdir -p "$DEVENV_STATE_DIR"
  script="$DEVENV_STATE_DIR/k3s-install.sh"
  require_dns_for "$PROXY_HTTPS" github.com
  # The install script of the same tag as the binary, not whatever is current.
  curl -fsSL --retry 3 "https://raw.githubusercontent.com/k3s-io/k3s/${K3S_VERSION/+/%2B}/install.sh" -o "$script" \
    || fail "downloading the k3s install script failed: check the VM's network (\`vagrant ssh -c 'curl -sSI https://github.com'\`), then run \`vagrant provision\`"
  # INSTALL_K3S_SKIP_START=true: install.sh enables the unit and reloads systemd, starts nothing.
  INSTALL_K3S_SKIP_START=true INSTALL_K3S_VERSION="$K3S_VERSION" sh "$script" server \
    || fail "the k3s install script failed (output above): run \`vagrant provision\` to retry"
  start=restart # a k3s already running (a changed K3S_VERSION) must move to the new binary
fi
if [ -z "$start" ] && ! systemctl is-active --quiet k3s; then start=start; fi
if [ -n "$start" ]; then start_k3s "$start"; fi

log "waiting for the node to be Ready (up to $((NODE_READY_TRIES * 5))s)"
ready=no
for _ in $(seq 1 "$NODE_READY_TRIES"); do
  nodes=$(kubectl get nodes --no-headers 2>/dev/null || true)
  if [[ "$nodes" =~ (^|$'\n')[^[:space:]]+[[:space:]]+Ready[[:space:]] ]]; then ready=yes; break; fi
  sleep 5
done
[ "$ready" = yes ] \
  || fail "the k3s node was not Ready after $((NODE_READY_TRIES * 5))s: run \`vagrant ssh -c 'sudo journalctl -u k3s --no-pager -n 100'\`"
install_kubeconfig "$k3s_etc/k3s.yaml" "$DEVENV_SHARED_DIR/.devenv/kubeconfig"
log "kubeconfig for the host: .devenv/kubeconfig (server https://127.0.0.1:$API_HOST_PORT)"
