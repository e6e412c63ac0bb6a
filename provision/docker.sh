#!/usr/bin/env bash
# Docker CE for Ubuntu 16.04: 20.10.7 is the last docker-ce built for xenial. Pinned and held.
set -euo pipefail
# shellcheck source=provision/lib.sh
. "$(dirname "$0")/lib.sh" 2>/dev/null || . /vagrant/provision/lib.sh

DOCKER_VERSION="5:20.10.7~3-0~ubuntu-xenial"
export DEBIAN_FRONTEND=noninteractive

if [ "$(dpkg-query -W -f='${Version}' docker-ce 2>/dev/null || true)" = "$DOCKER_VERSION" ]; then
  log "docker-ce $DOCKER_VERSION already installed"
else
  log "installing docker-ce $DOCKER_VERSION"
  apt-get update -qq
  apt-get install -y -qq apt-transport-https ca-certificates curl gnupg software-properties-common >/dev/null
  curl -fsSL https://download.docker.com/linux/ubuntu/gpg | apt-key add - >/dev/null
  echo "deb [arch=amd64] https://download.docker.com/linux/ubuntu xenial stable" >/etc/apt/sources.list.d/docker.list
  apt-get update -qq
  apt-get install -y -qq --allow-downgrades \
    "docker-ce=$DOCKER_VERSION" "docker-ce-cli=$DOCKER_VERSION" containerd.io >/dev/null
fi
# containerd.io is held at whatever version the xenial repository paired with this docker-ce.
apt-mark hold docker-ce docker-ce-cli containerd.io >/dev/null
usermod -aG docker vagrant
systemctl enable --now docker >/dev/null 2>&1
docker version --format 'docker {{.Server.Version}} ready' || fail "the docker daemon does not answer"
