#!/bin/sh
# Start Open vSwitch (ovsdb-server and ovs-vswitchd) when they are not running. Idempotent.
#
# On a normal Debian host `ovs-ctl start` loads the openvswitch kernel module and starts both
# daemons. Where the module is missing (this project's CI kernel), ovs-ctl refuses to start
# ovs-vswitchd, so we start ovsdb-server through ovs-ctl and ovs-vswitchd ourselves: bridges
# then use the userspace datapath (datapath_type=netdev), which the engine selects by itself.
set -eu

OVS_CTL=/usr/share/openvswitch/scripts/ovs-ctl
RUNDIR=/var/run/openvswitch
LOGDIR=/var/log/openvswitch

if ! command -v ovs-vswitchd >/dev/null 2>&1 || [ ! -x "$OVS_CTL" ]; then
    echo "start-ovs: Open vSwitch is not installed (apt-get install openvswitch-switch)" >&2
    exit 1
fi

is_running() {
    # A daemon runs when its pidfile names a live process.
    pidfile="$RUNDIR/$1.pid"
    [ -f "$pidfile" ] && kill -0 "$(cat "$pidfile")" 2>/dev/null
}

mkdir -p "$RUNDIR" "$LOGDIR"

if ! is_running ovsdb-server; then
    "$OVS_CTL" --no-ovs-vswitchd --system-id=random start
fi

if ! is_running ovs-vswitchd; then
    # Prefer the packaged path (it inserts the kernel module); fall back to a userspace-only daemon.
    if ! "$OVS_CTL" --no-ovsdb-server start 2>/dev/null || ! is_running ovs-vswitchd; then
        ovs-vswitchd unix:"$RUNDIR/db.sock" --pidfile --detach --log-file="$LOGDIR/ovs-vswitchd.log" \
            -vconsole:emer -vsyslog:err -vfile:info
    fi
fi

# Wait until the switch daemon answers, so callers can use ovs-vsctl at once.
ovs-vsctl --timeout=10 wait-until Open_vSwitch . >/dev/null
ovs-appctl -t ovs-vswitchd version >/dev/null
echo "start-ovs: ovsdb-server and ovs-vswitchd are running"
