#!/usr/bin/env bash
# Single-node k3s on the VM's Docker (embedded cri-dockerd): images built by `docker build` in the
# VM are used as they are, no registry. v1.34 is the last line that runs on cgroup v1 (16.04).
set -euo pipefail
# shellcheck source=provision/lib.sh
. "$(dirname "$0")/lib.sh" 2>/dev/null || . /vagrant/provision/lib.sh

K3S_VERSION="v1.34.1+k3s1"
NODE_IP=${NODE_IP:-192.168.56.10}

iface=$(iface_for_ip "$NODE_IP")
mkdir -p /etc/rancher/k3s
config=$(render_k3s_config "$NODE_IP" "$iface")
changed=no
if [ "$(cat /etc/rancher/k3s/config.yaml 2>/dev/null || true)" != "$config" ]; then
  printf '%s\n' "$config" >/etc/rancher/k3s/config.yaml
  changed=yes
fi

if k3s --version 2>/dev/null | grep -qF "$K3S_VERSION"; then
  log "k3s $K3S_VERSION already installed"
  if [ "$changed" = yes ]; then
    log "k3s config changed: restarting k3s"
    systemctl restart k3s
  fi
else
  log "installing k3s $K3S_VERSION (flannel on $iface)"
  # The install script of the same tag as the binary, not whatever is current.
  curl -fsSL "https://raw.githubusercontent.com/k3s-io/k3s/${K3S_VERSION/+/%2B}/install.sh" -o /tmp/k3s-install.sh
  INSTALL_K3S_VERSION="$K3S_VERSION" sh /tmp/k3s-install.sh server
fi

log "waiting for the node to be Ready"
for _ in $(seq 1 60); do
  if kubectl get nodes 2>/dev/null | grep -q ' Ready'; then break; fi
  sleep 5
done
kubectl get nodes | grep -q ' Ready' || fail "k3s node not Ready after 5 minutes: journalctl -u k3s"
install_kubeconfig /etc/rancher/k3s/k3s.yaml "$DEVENV_SHARED_DIR/.devenv/kubeconfig"
log "kubeconfig for the host: .devenv/kubeconfig (server https://127.0.0.1:6443)"
