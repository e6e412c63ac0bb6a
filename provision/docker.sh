#!/usr/bin/env bash
# Docker CE for Ubuntu 16.04, pinned (settings.env: DOCKER_VERSION, the last docker-ce built for
# xenial) and held. Log rotation in /etc/docker/daemon.json; Docker restarts only when it changed.
set -euo pipefail
# shellcheck source=provision/lib.sh
. "$(dirname "$0")/lib.sh" 2>/dev/null || . /vagrant/provision/lib.sh
DEVENV_STEP=docker
timing_start docker
load_settings
export DEBIAN_FRONTEND=noninteractive

log "proxy: $(describe_proxy)"
# apt's proxy, kept current even when apt has nothing to do (apt in `vagrant ssh` uses it too).
write_or_remove "$DEVENV_ROOT/etc/apt/apt.conf.d/95devenv-proxy" "$(render_apt_proxy)" || true

# Written before the package is installed, so a first install starts Docker with them already
# (the package's postinst reloads systemd, then starts Docker).
daemon_json_changed=no
if write_if_changed "$DEVENV_ROOT/etc/docker/daemon.json" "$(render_docker_daemon_json)"; then
  daemon_json_changed=yes
fi
proxy_changed=no
if write_or_remove "$DEVENV_ROOT/etc/systemd/system/docker.service.d/http-proxy.conf" "$(render_docker_proxy_dropin)"; then
  proxy_changed=yes
fi

installed=$(dpkg-query -W -f='${Version}' docker-ce 2>/dev/null || true)
if [ "$installed" = "$DOCKER_VERSION" ]; then
  log "docker-ce $DOCKER_VERSION already installed"
  if [ "$proxy_changed" = yes ]; then systemctl daemon-reload; fi
  if [ "$daemon_json_changed" = yes ] || [ "$proxy_changed" = yes ]; then
    log "Docker's settings changed (log rotation or proxy): restarting Docker"
    systemctl restart docker
  fi
else
  log "installing docker-ce $DOCKER_VERSION"
  if [ -z "$installed" ]; then timing_mark_fresh; fi
  require_dns_for "$PROXY_HTTPS" download.docker.com
  # No TTY here: a locally changed config file must not stop dpkg with a question.
  keep_config=(-o Dpkg::Options::=--force-confdef -o Dpkg::Options::=--force-confold)
  apt_get update -qq
  # apt-transport-https: xenial's apt needs it for https sources; gnupg: apt-key.
  apt_get install -y -qq --no-install-recommends "${keep_config[@]}" apt-transport-https ca-certificates curl gnupg
  key="$DEVENV_STATE_DIR/docker.gpg"
  mkdir -p "$DEVENV_STATE_DIR"
  curl -fsSL --retry 3 https://download.docker.com/linux/ubuntu/gpg -o "$key" \
    || fail "downloading Docker's apt key failed: check the VM's network (\`vagrant ssh -c 'curl -sSI https://download.docker.com'\`), then run \`vagrant provision\`"
  quiet apt-key add "$key" || fail "apt-key could not add Docker's key ($key): run \`vagrant provision\` to retry"
  mkdir -p "$DEVENV_ROOT/etc/apt/sources.list.d"
  echo "deb [arch=amd64] https://download.docker.com/linux/ubuntu xenial stable" \
    >"$DEVENV_ROOT/etc/apt/sources.list.d/docker.list"
  apt_get update -qq
  # apparmor: Docker 20.10 will not start containers on an AppArmor kernel without apparmor_parser
  # (moby/moby#44902, fixed only in 23.0), and --no-install-recommends would skip it.
  # A changed DOCKER_VERSION on a provisioned VM changes held packages, which apt 1.2 refuses with
  # -y unless told (--allow-change-held-packages, apt 1.1+; --allow-downgrades for an older pin).
  apt_get install -y -qq --no-install-recommends --allow-downgrades --allow-change-held-packages \
    "${keep_config[@]}" "docker-ce=$DOCKER_VERSION" "docker-ce-cli=$DOCKER_VERSION" containerd.io apparmor
  usermod -aG docker vagrant
fi

# containerd.io is held at whatever version the xenial repository paired with this docker-ce.
held=$(apt-mark showhold)
for pkg in docker-ce docker-ce-cli containerd.io; do
  if ! grep -qxF "$pkg" <<<"$held"; then
    apt_mark hold docker-ce docker-ce-cli containerd.io
    break
  fi
done
if ! systemctl is-enabled --quiet docker; then quiet systemctl enable docker; fi
if ! systemctl is-active --quiet docker; then
  systemctl start docker || fail "Docker did not start: run \`vagrant ssh -c 'sudo journalctl -u docker --no-pager -n 50'\`"
fi
version=$(docker version --format '{{.Server.Version}}') \
  || fail "the Docker daemon does not answer: run \`vagrant ssh -c 'sudo systemctl status docker'\`"
log "docker $version ready"
