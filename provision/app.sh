#!/usr/bin/env bash
# Builds the app image (only when app/Dockerfile or app/requirements.txt changed) and applies the
# manifests, then waits for MySQL and the app.
set -euo pipefail
# shellcheck source=provision/lib.sh
. "$(dirname "$0")/lib.sh" 2>/dev/null || . /vagrant/provision/lib.sh

app_dir="$DEVENV_SHARED_DIR/app"
result=$(build_app_image "$app_dir")
log "app image $APP_IMAGE: $result"

kubectl apply -k "$DEVENV_SHARED_DIR/manifests"
if [ "$result" = built ] && kubectl -n devenv get deployment app >/dev/null 2>&1; then
  # Same tag, new image: running pods keep the old one until restarted.
  kubectl -n devenv rollout restart deployment/app
fi
wait_rollout statefulset mysql 600
wait_rollout deployment app 300
log "ready: http://127.0.0.1:8080/ (edit app/ and reload)"
