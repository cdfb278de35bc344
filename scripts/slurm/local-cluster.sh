#!/usr/bin/env bash
# A single-node Slurm cluster in a folder, started and stopped without
# systemd, for the tests of `runexp sweep --executor slurm` (and for trying
# it out). Debian's slurm-wlm 22.05; no munge (auth/none, cred/none), no
# cgroups (proctrack/linuxproc, task/none), no accounting database.
#
#   eval "$(scripts/slurm/local-cluster.sh start DIR)"   # prints `export SLURM_CONF=DIR/slurm.conf`
#   sbatch ... ; squeue ...
#   scripts/slurm/local-cluster.sh stop DIR
#
# RUNEXP_SLURM_PORT (default 16817) and the next port are the daemons' ports.
set -euo pipefail
action=${1:?usage: local-cluster.sh start|stop DIR}
dir=$(mkdir -p "${2:?usage: local-cluster.sh start|stop DIR}" && cd "$2" && pwd)
conf=$dir/slurm.conf

stop() {
  for daemon in slurmd slurmctld; do
    if [ -f "$dir/$daemon.pid" ]; then
      pid=$(cat "$dir/$daemon.pid")
      kill "$pid" 2>/dev/null || true
      for _ in $(seq 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.05; done
      kill -9 "$pid" 2>/dev/null || true
      rm -f "$dir/$daemon.pid"
    fi
  done
}

if [ "$action" = stop ]; then
  stop
  exit 0
fi
[ "$action" = start ] || { echo "usage: local-cluster.sh start|stop DIR" >&2; exit 2; }

# Addresses are given as 127.0.0.1: nothing depends on the host name resolving.
host=$(hostname -s)
port=${RUNEXP_SLURM_PORT:-16817}
# slurmd refuses a node that claims more memory than it has: 90 % of it.
memory_mb=$(awk '/MemAvailable/ { printf "%d", $2 * 0.9 / 1024 }' /proc/meminfo)
mkdir -p "$dir/state" "$dir/spool"
cat > "$conf" <<CONF
ClusterName=runexp-local
SlurmctldHost=$host(127.0.0.1)
SlurmctldPort=$port
SlurmdPort=$((port + 1))
AuthType=auth/none
CredType=cred/none
SlurmUser=root
SlurmdUser=root
StateSaveLocation=$dir/state
SlurmdSpoolDir=$dir/spool
SlurmctldPidFile=$dir/slurmctld.pid
SlurmdPidFile=$dir/slurmd.pid
SlurmctldLogFile=$dir/slurmctld.log
SlurmdLogFile=$dir/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
MailProg=/bin/true
SchedulerParameters=batch_sched_delay=0
SelectType=select/cons_tres
SelectTypeParameters=CR_CPU
ReturnToService=2
NodeName=$host NodeAddr=127.0.0.1 CPUs=$(nproc) RealMemory=$memory_mb State=UNKNOWN
PartitionName=local Nodes=ALL Default=YES MaxTime=INFINITE State=UP
CONF
export SLURM_CONF=$conf
stop  # a cluster left over in this folder
slurmctld -f "$conf"
slurmd -f "$conf" -N "$host"
for _ in $(seq 200); do
  state=$(sinfo -h -o %T 2>/dev/null || true)
  case "$state" in idle*|mixed*|allocated*) echo "export SLURM_CONF=$conf"; exit 0 ;; esac
  sleep 0.05
done
echo "local-cluster: the node did not come up; see $dir/slurmctld.log and $dir/slurmd.log" >&2
stop
exit 1
