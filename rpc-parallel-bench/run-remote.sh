#!/bin/sh
# Remote-worker benchmark (RemoteBench): a real OpenSSH server in a network namespace of its own
# (10.232.0.11, on a veth pair), per-run keys, then spawn cold/warm and round trip / 64 MiB over
# plain TCP vs TLS, interleaved. Needs root, iproute2 and openssh-server. Build first:
#   mvn -B -q install -DskipTests
# Example: rpc-parallel-bench/run-remote.sh --rounds 3
set -eu
dir=$(cd "$(dirname "$0")" && pwd)
jar=$(ls "$dir"/target/rpc-parallel-bench-*.jar 2>/dev/null | head -n 1)
[ -n "$jar" ] || { echo "build first: mvn -B -q install -DskipTests" >&2; exit 1; }
ns=rpcpb-h1
veth=rpcpb-v1
work=$(mktemp -d /tmp/rpcp-bench-remote.XXXXXX)
cleanup() {
  [ -f "$work/sshd.pid" ] && kill "$(cat "$work/sshd.pid")" 2>/dev/null || true
  ip netns pids "$ns" 2>/dev/null | xargs -r kill -9 2>/dev/null || true
  ip netns del "$ns" 2>/dev/null || true
  ip link del "$veth" 2>/dev/null || true
  rm -rf "$work" "$home"
}
ip netns del "$ns" 2>/dev/null || true
ip link del "$veth" 2>/dev/null || true
trap cleanup EXIT INT TERM
ip netns add "$ns"
ip link add "$veth" type veth peer name eth0 netns "$ns"
ip addr add 10.232.0.1/24 dev "$veth"
ip link set "$veth" up
ip -n "$ns" addr add 10.232.0.11/24 dev eth0
ip -n "$ns" link set eth0 up
ip -n "$ns" link set lo up
# Log in as a user with /bin/sh and an empty home, as on a lean host (this machine's root runs
# pyenv from ~/.bashrc, ~1 s per ssh session, which is not what we measure).
user=rpcp-bench
home=/var/tmp/rpcp-bench-home
id -u "$user" >/dev/null 2>&1 || useradd --system --no-create-home --home-dir "$home" --shell /bin/sh "$user"
usermod -p '*' "$user"
rm -rf "$home"; mkdir -p "$home"; chown "$user:" "$home"
ssh-keygen -q -t ed25519 -N '' -f "$work/id"
ssh-keygen -q -t ed25519 -N '' -f "$work/hostkey"
cp "$work/id.pub" "$home/authorized_keys"; chown "$user:" "$home/authorized_keys"
echo "10.232.0.11 $(cat "$work/hostkey.pub")" > "$work/known_hosts"
cat > "$work/sshd_config" <<CONF
ListenAddress 10.232.0.11
Port 22
HostKey $work/hostkey
PidFile $work/sshd.pid
AuthorizedKeysFile $home/authorized_keys
PasswordAuthentication no
KbdInteractiveAuthentication no
UsePAM no
StrictModes no
PermitRootLogin prohibit-password
MaxStartups 100:30:200
MaxSessions 100
CONF
mkdir -p /run/sshd
ip netns exec "$ns" /usr/sbin/sshd -f "$work/sshd_config" -E "$work/sshd.log"
opts="-o IdentityFile=$work/id -o IdentitiesOnly=yes -o UserKnownHostsFile=$work/known_hosts -o StrictHostKeyChecking=yes -o GlobalKnownHostsFile=/dev/null -o LogLevel=ERROR"
i=0
until ssh -o BatchMode=yes -o ConnectTimeout=2 $opts "$user@10.232.0.11" true 2>/dev/null; do
  i=$((i + 1))
  [ $i -lt 50 ] || { echo "sshd did not come up:"; cat "$work/sshd.log"; exit 1; }
  sleep 0.2
done
java -cp "$jar:$dir/target/lib/*" dev.rpcparallel.bench.RemoteBench --host "$user@10.232.0.11" --cache "$home/cache" \
  -o "IdentityFile=$work/id" -o IdentitiesOnly=yes -o "UserKnownHostsFile=$work/known_hosts" -o StrictHostKeyChecking=yes \
  -o GlobalKnownHostsFile=/dev/null -o LogLevel=ERROR "$@"
