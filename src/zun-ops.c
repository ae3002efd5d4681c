/* zun-ops.c: the Zun backend's table of operations, above the files that
 * implement them: zun.c (containers, floating IPs, leases) and zun-io.c (exec,
 * logs, archives). */
#include "config.h"

#include "zun-priv.h"

const struct backend_ops zun_backend_ops = {
	.name = "zun",
	.open = zun_open,
	.close = zun_close,
	.ping = zun_ping,
	.list = zun_list,
	.inspect = zun_inspect,
	.start = zun_start,
	.stop = zun_stop,
	.restart = zun_restart,
	.kill = zun_kill,
	.remove = zun_remove,
	.wait = zun_wait,
	.wait_status = zun_wait_status,
	.create = zun_create,
	.snapshot = zun_snapshot,
	.exec = zun_exec,
	.logs = zun_logs,
	.archive_stat = zun_archive_stat,
	.archive_get = zun_archive_get,
	.archive_put = zun_archive_put,
	.fip_list = zun_fip_list,
	.fip_associate = zun_fip_associate,
	.fip_dissociate = zun_fip_dissociate,
	.lease_list = zun_lease_list,
	.lease_find = zun_lease_find,
	.lease_extend = zun_lease_extend,
};
