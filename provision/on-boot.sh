#!/usr/bin/env bash
# Runs on every `vagrant up` / `vagrant reload` (run: always). k3s starts at boot, before Vagrant
# mounts the shared folder: the app pod's hostPath /vagrant/app (type Directory) does not exist
# yet, so the pod waits in ContainerCreating with a FailedMount event, and kubelet retries the
# mount only with a growing back-off. This waits for the API and restarts the app at once when its
# pod cannot see the code.
set -euo pipefail
# shellcheck source=provision/lib.sh
. "$(dirname "$0")/lib.sh" 2>/dev/null || . /vagrant/provision/lib.sh
DEVENV_STEP=on-boot
load_settings
ns=$NAMESPACE
API_TRIES=150 # x 2 s: k3s on Docker can take minutes after vagrant halt/up on a slow laptop

[ -f "$DEVENV_SHARED_DIR/app/application.py" ] \
  || fail "$DEVENV_SHARED_DIR/app/application.py is missing (shared folder not mounted?): run \`vagrant reload\`"
# app.sh leaves `provisioned` when it finishes (VMs provisioned before it existed have the image stamp).
[ -f "$DEVENV_STATE_DIR/provisioned" ] || [ -f "$DEVENV_STATE_DIR/app-image.sha256" ] \
  || fail "this VM has not been fully provisioned yet: run \`vagrant provision\`"

api=no
for _ in $(seq 1 "$API_TRIES"); do
  if kubectl get --raw /readyz >/dev/null 2>&1; then api=yes; break; fi
  sleep 2
done
[ "$api" = yes ] \
  || fail "the Kubernetes API did not answer within $((API_TRIES * 2))s: run \`vagrant ssh -c 'sudo systemctl status k3s docker; sudo journalctl -u k3s --no-pager -n 50'\`"
install_kubeconfig "$DEVENV_ROOT/etc/rancher/k3s/k3s.yaml" "$DEVENV_SHARED_DIR/.devenv/kubeconfig"

kubectl -n "$ns" get deployment app >/dev/null 2>&1 \
  || fail "deployment/app is missing from namespace $ns: run \`vagrant provision\` (it re-applies manifests/)"
if kubectl -n "$ns" exec deploy/app -c app -- test -f /app/application.py >/dev/null 2>&1; then
  log "app pod sees the code"
else
  log "app pod cannot see the code yet (started before the shared folder was mounted): restarting it"
  kubectl -n "$ns" rollout restart deployment/app \
    || fail "could not restart deployment/app: run \`kubectl -n $ns rollout restart deployment/app\`"
  wait_rollout deployment app 180
fi
