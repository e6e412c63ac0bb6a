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
# One line: the step that failed, what failed, and the command to run next. The run's step times
# come just before it, so it stays the last line.
fail() {
  timing_finish failed
  printf '==> devenv: ERROR: step %s: %s\n' "$DEVENV_STEP" "$*" >&2
  exit 1
}

# Step times. One `vagrant up` or `vagrant provision` is one run: the Vagrantfile gives all its
# steps the same DEVENV_RUN_ID. Each step (docker, k3s, image, rollout, on-boot) adds a line to
# $DEVENV_STATE_DIR/timings/run; the last step of the run (on-boot), or the one that fails,
# prints them and writes .devenv/provision-times.json for the host (README, "How long").
TIMINGS_DIR=$DEVENV_STATE_DIR/timings
DEVENV_RUN_ID=${DEVENV_RUN_ID:-}
TIMING_STEP='' TIMING_START=0
timing_start() {
  local run_file=$TIMINGS_DIR/run id
  [ -n "$DEVENV_RUN_ID" ] || DEVENV_RUN_ID="single-$(date +%s)-$$" # a script run by hand: a run of its own
  mkdir -p "$TIMINGS_DIR"
  id=$(awk 'NR == 1 { print $2 }' "$run_file" 2>/dev/null || true)
  if [ "$id" != "$DEVENV_RUN_ID" ]; then printf 'run %s %s\n' "$DEVENV_RUN_ID" "$(date +%s)" >"$run_file"; fi
  TIMING_STEP=$1 TIMING_START=$(date +%s)
  trap 'timing_exit $?' EXIT
}
# Ends the open step and starts NAME (app.sh: image, then rollout).
timing_next() {
  timing_record ok
  TIMING_STEP=$1 TIMING_START=$(date +%s)
}
# Marks the run as a first boot: Docker was installed on a VM without it.
timing_mark_fresh() { echo fresh >>"$TIMINGS_DIR/run"; }
timing_record() {
  [ -n "$TIMING_STEP" ] || return 0
  printf 'step %s %s %s\n' "$TIMING_STEP" "$(($(date +%s) - TIMING_START))" "$1" >>"$TIMINGS_DIR/run"
  TIMING_STEP=''
}
timing_exit() {
  if [ "$1" -ne 0 ]; then timing_finish failed; else timing_record ok; fi
}
# Records the open step as OUTCOME; when the run ends here (a failure, or its last step) prints
# the times and writes the host's file. Once per run, even from a subshell that fails.
timing_finish() {
  local outcome=$1 run_file=$TIMINGS_DIR/run
  [ -n "$DEVENV_RUN_ID" ] && [ -f "$run_file" ] || return 0
  [ "$(awk 'NR == 1 { print $2 }' "$run_file")" = "$DEVENV_RUN_ID" ] || return 0
  if [ "$(tail -n 1 "$run_file")" = end ]; then return 0; fi
  timing_record "$outcome"
  [ "$outcome" = failed ] || [ "$DEVENV_STEP" = on-boot ] || return 0
  echo end >>"$run_file"
  if [ "$outcome" = failed ]; then timing_report >&2; else timing_report; fi
}
# Prints `==> devenv: times: docker 2m10s · k3s 1m40s ... (total 8m12s)` and writes the JSON.
timing_report() {
  local run_file=$TIMINGS_DIR/run dest="$DEVENV_SHARED_DIR/.devenv/provision-times.json" now
  local id started line parts=() steps='' total ok=true fresh=false name seconds outcome run_json _
  now=$(date +%s)
  read -r _ id started <"$run_file"
  while read -r line; do
    case "$line" in
      fresh) fresh=true ;;
      step\ *)
        read -r _ name seconds outcome <<<"$line"
        if [ "$outcome" = ok ]; then parts+=("$name $(human_seconds "$seconds")"); else
          parts+=("$name $(human_seconds "$seconds") (failed)") ok=false
        fi
        steps+="${steps:+, }{\"name\": \"$name\", \"seconds\": $seconds, \"ok\": $([ "$outcome" = ok ] && echo true || echo false)}"
        ;;
    esac
  done <"$run_file"
  total=$((now - started))
  printf '==> devenv: times: %s (total %s)\n' "$(join_by ' · ' "${parts[@]}")" "$(human_seconds "$total")"
  run_json=$(printf '{"id": "%s", "started": "%s", "seconds": %s, "ok": %s, "fresh": %s, "steps": [%s]}' \
    "$id" "$(date -u -d "@$started" +%Y-%m-%dT%H:%M:%SZ)" "$total" "$ok" "$fresh" "$steps")
  if [ "$ok$fresh" = truetrue ]; then printf '%s\n' "$run_json" >"$TIMINGS_DIR/first-boot.json"; fi
  mkdir -p "${dest%/*}"
  printf '{"format": 1, "last_run": %s, "first_boot": %s}\n' "$run_json" \
    "$(cat "$TIMINGS_DIR/first-boot.json" 2>/dev/null || echo null)" >"$dest.tmp.$$"
  mv -f "$dest.tmp.$$" "$dest"
}
join_by() {
  local separator=$1 out='' part
  shift
  for part in "$@"; do out+="${out:+$separator}$part"; done
  printf '%s\n' "$out"
}
# 45s, 2m05s, 1h02m.
human_seconds() {
  local s=$1
  if [ "$s" -lt 60 ]; then printf '%ss\n' "$s"
  elif [ "$s" -lt 3600 ]; then printf '%dm%02ds\n' $((s / 60)) $((s % 60))
  else printf '%dh%02dm\n' $((s / 3600)) $((s % 3600 / 60)); fi
}

# Reads settings.env (KEY=value lines, '#' comments) into shell variables. Parsed, never sourced.
# Then the proxy settings (load_proxy).
load_settings() {
  local file=${DEVENV_SETTINGS:-$DEVENV_SHARED_DIR/settings.env} line key value
  [ -r "$file" ] || fail "no settings file at $file: is the repo mounted at $DEVENV_SHARED_DIR? (vagrant reload)"
  # settings.env's proxy keys share their names with the environment's: only the file may set them here.
  unset HTTP_PROXY HTTPS_PROXY NO_PROXY http_proxy https_proxy no_proxy
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
  load_proxy
}

# Corporate proxies. HTTP_PROXY, HTTPS_PROXY and NO_PROXY in settings.env win when not empty; else
# the host's, which the Vagrantfile hands every step as DEVENV_HOST_*_PROXY (read again at each
# vagrant command, so a changed proxy reaches the VM with `vagrant provision`). Sets PROXY_HTTP,
# PROXY_HTTPS and PROXY_NO, and exports them in both cases for apt, curl and install.sh.
# Never proxied: loopback, the VM, k3s's default pod and service ranges and cluster domain
# (k3s --cluster-cidr 10.42.0.0/16, --service-cidr 10.43.0.0/16, --cluster-domain cluster.local).
load_proxy() {
  local name value source entry user_no entries
  PROXY_HTTP='' PROXY_HTTPS='' PROXY_NO=''
  for name in HTTP_PROXY HTTPS_PROXY; do
    value=${!name:-} source=settings.env
    if [ -z "$value" ]; then
      entry="DEVENV_HOST_$name"
      value=${!entry:-} source="the host's environment"
    fi
    [ -n "$value" ] || continue
    value=$(proxy_url "$name" "$value" "$source")
    if [ "$name" = HTTP_PROXY ]; then PROXY_HTTP=$value; else PROXY_HTTPS=$value; fi
  done
  if [ -n "$PROXY_HTTP$PROXY_HTTPS" ]; then
    user_no=${NO_PROXY:-${DEVENV_HOST_NO_PROXY:-}}
    [[ "$user_no" =~ ^[^[:space:][:cntrl:]\"\'\\]*$ ]] \
      || fail "NO_PROXY has a space, quote or backslash: set NO_PROXY in settings.env to a comma-separated list, then run \`vagrant provision\`"
    IFS=, read -ra entries <<<"127.0.0.1,localhost,$VM_IP,10.42.0.0/16,10.43.0.0/16,.svc,.cluster.local,$user_no"
    for entry in "${entries[@]}"; do
      [ -n "$entry" ] || continue
      case ",$PROXY_NO," in *",$entry,"*) continue ;; esac
      PROXY_NO=${PROXY_NO:+$PROXY_NO,}$entry
    done
  fi
  for name in http_proxy HTTP_PROXY https_proxy HTTPS_PROXY no_proxy NO_PROXY; do unset "$name"; done
  if [ -n "$PROXY_HTTP" ]; then export http_proxy="$PROXY_HTTP" HTTP_PROXY="$PROXY_HTTP"; fi
  if [ -n "$PROXY_HTTPS" ]; then export https_proxy="$PROXY_HTTPS" HTTPS_PROXY="$PROXY_HTTPS"; fi
  if [ -n "$PROXY_NO" ]; then export no_proxy="$PROXY_NO" NO_PROXY="$PROXY_NO"; fi
}

# Checks one proxy setting and prints it as a URL (http:// added when there is no scheme, as curl
# does). Its text goes into systemd units and apt.conf between double quotes: no space, quote or
# backslash. A proxy on the host's loopback is not the VM's: the VM reaches the host at the
# host-only address (Vagrant gives the host the network's first address, .1 for VM_IP's /24).
proxy_url() {
  local name=$1 value=$2 source=$3 host
  [[ "$value" == *://* ]] || value="http://$value"
  [[ "$value" =~ ^https?://[^[:space:][:cntrl:]\"\'\\]+$ ]] \
    || fail "$name from $source is not an http:// or https:// proxy URL without spaces or quotes ($(redact_url "$value")): set $name in settings.env, then run \`vagrant provision\`"
  host=$(proxy_host "$value")
  case "$host" in
    localhost | 127.* | ::1 | 0.0.0.0 | '')
      fail "$name from $source is $(redact_url "$value"), this machine's own loopback, which the VM cannot reach: set $name in settings.env to an address the VM reaches (a proxy on the host must listen on ${VM_IP%.*}.1, the host's side of the private network), then run \`vagrant provision\`" ;;
  esac
  printf '%s\n' "$value"
}

# The host part of a proxy URL: no scheme, user, port or path ([v6] brackets dropped).
proxy_host() {
  local rest=${1#*://}
  rest=${rest%%/*}
  rest=${rest##*@}
  if [[ "$rest" == \[* ]]; then rest=${rest#[}; rest=${rest%%]*}; else rest=${rest%%:*}; fi
  printf '%s\n' "$rest"
}

# A proxy URL fit for a log line: user and password replaced.
redact_url() {
  local url=$1 scheme rest
  scheme=${url%%://*} rest=${url#*://}
  case "${rest%%/*}" in *@*) rest="***@${rest#*@}" ;; esac
  printf '%s://%s\n' "$scheme" "$rest"
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

# Fails in one line unless the VM resolves HOST. Called before a step's first download, so a VM
# without DNS is named as such instead of by apt's or curl's error. VirtualBox 7.2's NAT hands the
# VM 127.0.0.53 on Linux hosts that use systemd-resolved (VirtualBox/virtualbox#205; 7.1 gave
# 10.0.2.3), an address where nothing listens in this VM.
DNS_TRIES=3
require_dns() {
  local host=$1 servers
  for _ in $(seq 1 "$DNS_TRIES"); do
    if getent hosts "$host" >/dev/null 2>&1; then return 0; fi
    sleep 2
  done
  servers=$(awk '$1 == "nameserver" { printf "%s%s", sep, $2; sep = " " }' "$DEVENV_ROOT/etc/resolv.conf" 2>/dev/null || true)
  case " $servers " in
    *" 127.0.0.53 "*)
      fail "the VM cannot resolve $host: its DNS server is 127.0.0.53, which VirtualBox 7.2's NAT hands out on Linux hosts with systemd-resolved (VirtualBox/virtualbox#205): use VirtualBox 7.1, then run \`vagrant destroy -f\` and \`vagrant up\`" ;;
  esac
  fail "the VM cannot resolve $host (its DNS servers: ${servers:-none in /etc/resolv.conf}): check the host's network or VPN, then run \`vagrant provision\`"
}

# require_dns for a download from HOST through PROXY (may be empty): with a proxy, only the
# proxy's name must resolve in the VM (none, when it is an address).
require_dns_for() {
  local proxy=$1 host=$2
  if [ -n "$proxy" ]; then
    host=$(proxy_host "$proxy")
    [[ "$host" =~ ^[0-9.]+$|: ]] && return 0
  fi
  require_dns "$host"
}

# Writes CONTENT to FILE only when it differs; returns 0 when it changed the file.
write_if_changed() {
  local file=$1 content=$2
  if [ -f "$file" ] && [ "$(cat "$file")" = "$content" ]; then return 1; fi
  mkdir -p "$(dirname "$file")"
  printf '%s\n' "$content" >"$file.tmp.$$"
  mv -f "$file.tmp.$$" "$file"
}

# Writes CONTENT to FILE, or removes FILE when CONTENT is empty; returns 0 when that changed it.
write_or_remove() {
  local file=$1 content=$2
  if [ -n "$content" ]; then write_if_changed "$file" "$content"; return; fi
  [ -e "$file" ] || return 1
  rm -f "$file"
}

# The proxy for logs: each URL without its user and password.
describe_proxy() {
  if [ -z "$PROXY_HTTP$PROXY_HTTPS" ]; then echo "no proxy"; return; fi
  printf 'HTTP_PROXY=%s HTTPS_PROXY=%s NO_PROXY=%s\n' "${PROXY_HTTP:+$(redact_url "$PROXY_HTTP")}" \
    "${PROXY_HTTPS:+$(redact_url "$PROXY_HTTPS")}" "$PROXY_NO"
}

# apt's proxy (apt.conf(5); apt 1.2's https method falls back to Acquire::http::Proxy). Empty
# without a proxy: the file is removed.
render_apt_proxy() {
  [ -n "$PROXY_HTTP$PROXY_HTTPS" ] || return 0
  echo "// Written by provision/docker.sh from the proxy settings; removed when there is none."
  if [ -n "$PROXY_HTTP" ]; then printf 'Acquire::http::Proxy "%s";\n' "$PROXY_HTTP"; fi
  if [ -n "$PROXY_HTTPS" ]; then printf 'Acquire::https::Proxy "%s";\n' "$PROXY_HTTPS"; fi
}

# Docker 20.10's daemon takes its proxy from its environment only (daemon.json "proxies" came in
# 23.0): a systemd drop-in with Environment= (Docker docs, daemon proxy configuration). '%' is a
# unit-file specifier, written '%%'. Empty without a proxy: the drop-in is removed.
render_docker_proxy_dropin() {
  local pair
  [ -n "$PROXY_HTTP$PROXY_HTTPS" ] || return 0
  echo "# Written by provision/docker.sh from the proxy settings; removed when there is none."
  echo "[Service]"
  for pair in "HTTP_PROXY=$PROXY_HTTP" "HTTPS_PROXY=$PROXY_HTTPS" "NO_PROXY=$PROXY_NO"; do
    if [ -n "${pair#*=}" ]; then printf 'Environment="%s"\n' "${pair//%/%%}"; fi
  done
}

# k3s's proxy: an environment file of all six names, empty ones included. install.sh copies the
# proxy it ran with into k3s.service.env; systemd reads EnvironmentFile= in order, later ones
# winning (systemd.exec), and a drop-in's comes after the unit's, so these values (even empty:
# Go takes HTTPS_PROXY, else https_proxy) replace a proxy that has since changed or gone.
K3S_PROXY_ENV=/etc/devenv/k3s-proxy.env
render_k3s_proxy_env() {
  printf 'HTTP_PROXY=%s\nHTTPS_PROXY=%s\nNO_PROXY=%s\n' "$PROXY_HTTP" "$PROXY_HTTPS" "$PROXY_NO"
  printf 'http_proxy=%s\nhttps_proxy=%s\nno_proxy=%s\n' "$PROXY_HTTP" "$PROXY_HTTPS" "$PROXY_NO"
}
render_k3s_proxy_dropin() {
  cat <<DROPIN
# Written by provision/k3s.sh: the proxy settings, read after install.sh's k3s.service.env.
[Service]
EnvironmentFile=$K3S_PROXY_ENV
DROPIN
}

# docker build's proxy: the predefined build args, which are neither kept in the image history
# nor part of the build cache (Dockerfile reference, "Predefined ARGs"), so a changed proxy
# rebuilds nothing. Prints one --build-arg NAME=value per line.
proxy_build_args() {
  local name value
  for name in HTTP_PROXY http_proxy HTTPS_PROXY https_proxy NO_PROXY no_proxy; do
    case "$name" in
      [Hh][Tt][Tt][Pp]_*) value=${PROXY_HTTP:-} ;;
      [Hh][Tt][Tt][Pp][Ss]_*) value=${PROXY_HTTPS:-} ;;
      *) value=${PROXY_NO:-} ;;
    esac
    if [ -n "$value" ]; then printf -- '--build-arg\n%s=%s\n' "$name" "$value"; fi
  done
}

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
    local build_args=()
    mapfile -t build_args < <(proxy_build_args)
    # ${a[@]+...}: bash 4.3 (xenial) calls an empty array unbound under set -u.
    local build_log="$DEVENV_STATE_DIR/docker-build.log"
    mkdir -p "$DEVENV_STATE_DIR"
    # Shown as it runs and kept, to tell Docker Hub's pull limit from a broken Dockerfile.
    if ! docker build --pull=false ${build_args[@]+"${build_args[@]}"} -t "$APP_IMAGE" "$app_dir" 2>&1 \
      | tee "$build_log" >&2; then
      if pull_limited "$(cat "$build_log")"; then
        fail_pull_limit "$(awk 'toupper($1) == "FROM" { print $2; exit }' "$app_dir/Dockerfile")"
      fi
      fail "docker build of $APP_IMAGE failed (output above): fix app/Dockerfile or app/requirements.txt, then run \`vagrant provision\`"
    fi
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

# Docker Hub's answer to a pull over its limit: HTTP 429 with 'You have reached your pull rate
# limit. ...' (Docker docs, Docker Hub pull usage and limits), which Docker reports as
# 'toomanyrequests: ...' (the registry's error code).
pull_limited() {
  case "${1,,}" in *toomanyrequests* | *"you have reached your pull rate limit"*) return 0 ;; esac
  return 1
}
fail_pull_limit() {
  local image=${1:-the image}
  fail "Docker Hub refused to pull $image: the anonymous pull limit for this network's address is used up (toomanyrequests): wait for it to reset, or pull it signed in: run \`vagrant ssh -c 'sudo docker login && sudo docker pull $image'\`, then \`vagrant provision\`"
}

# The image Docker Hub refused for its pull limit to a pod that is waiting on a pull now (any
# namespace: k3s's own pods pull too); nothing when there is none. The kubelet's event says
# 'Failed to pull image "IMAGE": ...' (reason Failed); the pod's state only says ImagePullBackOff.
pull_refused_image() {
  local waiting events pod reasons message pulling=" "
  waiting=$(kubectl get pods -A -o 'jsonpath={range .items[*]}{.metadata.namespace}/{.metadata.name}{" "}{.status.initContainerStatuses[*].state.waiting.reason}{" "}{.status.containerStatuses[*].state.waiting.reason}{"\n"}{end}' 2>/dev/null) \
    || return 0
  while read -r pod reasons; do
    case "$reasons" in *ErrImagePull* | *ImagePullBackOff*) pulling+="$pod " ;; esac
  done <<<"$waiting"
  [ "$pulling" != " " ] || return 0
  events=$(kubectl get events -A --field-selector reason=Failed -o 'jsonpath={range .items[*]}{.involvedObject.namespace}/{.involvedObject.name}{"\t"}{.message}{"\n"}{end}' 2>/dev/null) \
    || return 0
  while IFS=$'\t' read -r pod message; do
    case "$pulling" in *" $pod "*) ;; *) continue ;; esac
    pull_limited "$message" || continue
    if [[ "$message" =~ image\ \"([^\"]+)\" ]]; then echo "${BASH_REMATCH[1]}"; else echo "an image for $pod"; fi
    return 0
  done <<<"$events"
}

# Waits for a rollout, in rounds of ROLLOUT_POLL seconds; between them a pull that Docker Hub
# refused for its limit ends the wait at once. On failure says which workload, for how long, and
# what to run next.
ROLLOUT_POLL=10
wait_rollout() {
  local kind=$1 name=$2 timeout=${3:-300} waited=0 out image
  log "waiting for $kind/$name (up to ${timeout}s)"
  while ! out=$(kubectl -n "$NAMESPACE" rollout status "$kind/$name" --timeout="${ROLLOUT_POLL}s" 2>&1); do
    waited=$((waited + ROLLOUT_POLL))
    image=$(pull_refused_image)
    if [ -n "$image" ]; then fail_pull_limit "$image"; fi
    if [ "$waited" -ge "$timeout" ]; then
      printf '%s\n' "$out" >&2
      kubectl -n "$NAMESPACE" get pods -l "app.kubernetes.io/name=$name" -o wide >&2 || true
      fail "$kind/$name was not ready within ${timeout}s: run \`kubectl -n $NAMESPACE describe pod -l app.kubernetes.io/name=$name\` (on the host: export KUBECONFIG=\$PWD/.devenv/kubeconfig)"
    fi
  done
  printf '%s\n' "${out##*$'\n'}"
}
