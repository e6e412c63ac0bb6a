#!/usr/bin/env bash
# Runs on every `vagrant up` / `vagrant reload`. k3s starts at boot, before Vagrant mounts the
# shared folder, so an app pod started then sees an empty /app: restart it once the code is there.
set -euo pipefail
# shellcheck source=provision/lib.sh
. "$(dirname "$0")/lib.sh" 2>/dev/null || . /vagrant/provision/lib.sh

[ -f "$DEVENV_SHARED_DIR/app/application.py" ] || fail "$DEVENV_SHARED_DIR/app is not mounted"
for _ in $(seq 1 60); do
  kubectl get --raw /readyz >/dev/null 2>&1 && break
  sleep 2
done
install_kubeconfig /etc/rancher/k3s/k3s.yaml "$DEVENV_SHARED_DIR/.devenv/kubeconfig"
kubectl -n devenv get deployment app >/dev/null 2>&1 || { log "no app deployment yet"; exit 0; }
if kubectl -n devenv exec deploy/app -c app -- test -f /app/application.py 2>/dev/null; then
  log "app pod sees the code"
else
  log "app pod started before the shared folder was mounted: restarting it"
  kubectl -n devenv rollout restart deployment/app
  wait_rollout deployment app 180
fi
