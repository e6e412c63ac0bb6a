#!/usr/bin/env bash
# Builds the app image (only when app/Dockerfile or app/requirements.txt changed), applies the
# manifests, restarts the app only when a running one must pick up a rebuilt image, then waits
# for MySQL and the app.
set -euo pipefail
# shellcheck source=provision/lib.sh
. "$(dirname "$0")/lib.sh" 2>/dev/null || . /vagrant/provision/lib.sh
DEVENV_STEP=app
timing_start image
load_settings
ns=$NAMESPACE
# The StatefulSet's governing Service (manifests/base/mysql.yaml; a policy test keeps them equal).
MYSQL_HEADLESS_SERVICE=mysql-headless

# A build pulls alpine:3.7, then apk and pip download inside it.
if image_needs_build "$DEVENV_SHARED_DIR/app"; then require_dns_for "$PROXY_HTTPS" registry-1.docker.io; fi
result=$(build_app_image "$DEVENV_SHARED_DIR/app")
log "app image $APP_IMAGE: $result"
timing_next rollout

# A StatefulSet's spec.serviceName is immutable. One made before the headless Service existed is
# deleted without its pod (--cascade=orphan) and re-created by the apply, which adopts mysql-0;
# the data is on the standalone claim mysql-data and does not move.
service_name=$(kubectl -n "$ns" get statefulset mysql -o 'jsonpath={.spec.serviceName}' 2>/dev/null || true)
if [ -n "$service_name" ] && [ "$service_name" != "$MYSQL_HEADLESS_SERVICE" ]; then
  log "statefulset/mysql governed by Service $service_name: re-creating it for $MYSQL_HEADLESS_SERVICE (pod and data kept)"
  kubectl -n "$ns" delete statefulset mysql --cascade=orphan \
    || fail "could not replace statefulset/mysql: run \`kubectl -n $ns get statefulset mysql -o yaml\`"
fi

had_app=no
if kubectl -n "$ns" get deployment app >/dev/null 2>&1; then had_app=yes; fi
kubectl apply -k "$DEVENV_SHARED_DIR/manifests" \
  || fail "kubectl apply -k manifests failed (output above): run \`kubectl kustomize manifests\` on the host to see what was sent"
if [ "$result" = built ] && [ "$had_app" = yes ]; then
  # Same tag, new image: running pods keep the old one until restarted. A Deployment created by
  # the apply above starts on the new image by itself.
  kubectl -n "$ns" rollout restart deployment/app \
    || fail "could not restart deployment/app: run \`kubectl -n $ns rollout restart deployment/app\`"
fi
wait_rollout statefulset mysql 600
wait_rollout deployment app 300
mkdir -p "$DEVENV_STATE_DIR"
touch "$DEVENV_STATE_DIR/provisioned"
log "ready: http://127.0.0.1:$APP_HOST_PORT/ (edit app/ and reload)"
