#!/usr/bin/env bash
# Runs on every `vagrant up` / `vagrant reload` (run: always). k3s starts at boot, before Vagrant
# mounts the shared folder: if the kubelet sets up the app pod first, its hostPath /vagrant/app
# (type Directory) does not exist yet, the pod waits in ContainerCreating with a FailedMount
# event, and the kubelet retries the mount only with a growing back-off. This waits for the API,
# then for the app pod: a pod that runs and sees the code is left alone (the mount came first, or
# the kubelet's retry won); one stuck on the mount (a FailedMount event since this boot, or a
# running container without the code) is restarted at once.
set -euo pipefail
# shellcheck source=provision/lib.sh
. "$(dirname "$0")/lib.sh" 2>/dev/null || . /vagrant/provision/lib.sh
DEVENV_STEP=on-boot
timing_start on-boot
load_settings
ns=$NAMESPACE
API_TRIES=150 # x 2 s: k3s on Docker can take minutes after vagrant halt/up on a slow laptop
POD_TRIES=60  # x 2 s: after the API, the kubelet restarts the app's container on its own

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
# This boot's start, as the API writes event times (RFC 3339, UTC): FailedMount events from an
# earlier boot say nothing about this one.
btime=$(awk '$1 == "btime" { print $2 }' "$DEVENV_ROOT/proc/stat")
booted=$(date -u -d "@$btime" +%Y-%m-%dT%H:%M:%SZ)
stuck='' sees=no
for _ in $(seq 1 "$POD_TRIES"); do
  pods=$(kubectl -n "$ns" get pods -l app.kubernetes.io/name=app \
    -o 'jsonpath={range .items[*]}{.metadata.name}{" "}{.status.containerStatuses[?(@.name=="app")].state.running.startedAt}{"\n"}{end}' \
    2>/dev/null) || pods=
  running=$(awk 'NF == 2 { print $1; exit }' <<<"$pods")
  if [ -n "$running" ]; then
    if exec_out=$(kubectl -n "$ns" exec "$running" -c app -- test -f /app/application.py 2>&1); then
      sees=yes
      break
    fi
    # `test` itself said no (kubectl: "command terminated with exit code 1"); any other failure
    # is the exec's own, and is tried again.
    if [[ "$exec_out" == *"command terminated with exit code 1"* ]]; then
      stuck="runs without the code in /app"
      break
    fi
  fi
  mounts=$(kubectl -n "$ns" get events --field-selector reason=FailedMount,involvedObject.kind=Pod \
    -o 'jsonpath={range .items[*]}{.involvedObject.name}{" "}{.lastTimestamp}{"\n"}{end}' 2>/dev/null) || mounts=
  if awk -v booted="$booted" 'NR == FNR { if (NF) pod[$1] = 1; next } ($1 in pod) && $2 >= booted { found = 1 }
                              END { exit !found }' <(printf '%s\n' "$pods") <(printf '%s\n' "$mounts"); then
    stuck="failed to mount its volumes since this boot (FailedMount)"
    break
  fi
  sleep 2
done
if [ "$sees" = yes ]; then
  log "app pod sees the code"
elif [ -n "$stuck" ]; then
  log "app pod $stuck: it started before the shared folder was mounted; restarting it"
  kubectl -n "$ns" rollout restart deployment/app \
    || fail "could not restart deployment/app: run \`kubectl -n $ns rollout restart deployment/app\`"
  wait_rollout deployment app 180
else
  log "app pod not running after $((POD_TRIES * 2))s, and not stuck on the mount: waiting for its rollout"
  wait_rollout deployment app 180
fi
timing_finish ok
