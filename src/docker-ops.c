/* docker-ops.c: the Docker backend's table of operations (Docker Engine API, and
 * Podman's compatible service), above the files that implement them: docker.c,
 * docker-exec.c, docker-data.c, docker-images.c and docker-call.c. */
#include "config.h"

#include "docker-priv.h"

const struct backend_ops docker_backend_ops = {
	.name = "docker",
	.open = docker_open,
	.close = docker_close,
	.ping = docker_ping,
	.ping_open = docker_ping_open,
	.list = docker_list,
	.inspect = docker_inspect,
	.start = docker_start,
	.stop = docker_stop,
	.restart = docker_restart,
	.kill = docker_kill,
	.remove = docker_remove,
	.wait = docker_wait,
	.wait_status = docker_wait_status,
	.create = docker_create,
	.snapshot = docker_snapshot,
	.image_list = docker_image_list,
	.image_pull = docker_image_pull,
	.image_remove = docker_image_remove,
	.exec = docker_exec,
	.exec_interactive = docker_exec_interactive,
	.logs = docker_logs,
	.logs_open = docker_logs_open,
	.archive_stat = docker_archive_stat,
	.archive_get = docker_archive_get,
	.archive_put = docker_archive_put,
	.export_fs = docker_export,
	.stats = docker_stats,
	.events = docker_events,
	.events_open = docker_events_open,
	.top = docker_top,
};
