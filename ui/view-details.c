/* view-details.c: a summary of the selected container from the last list
 * (no engine call): names, image, state, health, restarts and OOM kill (as
 * the feed learned them), times, ports, addresses, its lease, the last stats
 * sample and labels. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "dash.h"
#include "sanitize.h"
#include "util.h"
#include "view-pane.h"

static void
add_field(struct buf *b, const char *label, const char *value)
{
	if (value && *value)
		buf_printf(b, "%-13s %s\n", label, value);
}

static void
add_time(struct buf *b, const char *label, time_t t)
{
	char s[64];
	struct tm tm;
	if (t && localtime_r(&t, &tm) && strftime(s, sizeof s, "%Y-%m-%d %H:%M:%S %Z", &tm))
		add_field(b, label, s);
}

/* A summary of the selected container from the last list (no network). */
static bool
details_open(struct view *v, const void *arg)
{
	struct dash *d = v->d;
	struct row *r = table_selected(&d->table);
	if (!r) {
		dash_message(d, true, "no container is selected");
		return false;
	}
	const struct berth_container *c = r->c;
	struct buf b = { 0 };
	char st[64], *tmp;
	add_field(&b, "Name", c->name);
	add_field(&b, "ID", c->id);
	add_field(&b, "Image", c->image);
	add_field(&b, "Status", table_status_text(c, st, sizeof st));
	add_field(&b, "State", c->state_text);
	add_field(&b, "Reason", c->status_reason);
	add_field(&b, "Health", berth_health_name(c->health));	/* none: nothing */
	if (r->st && r->st->facts_known && r->st->restarts > 0) {
		tmp = xasprintf("%d", r->st->restarts);
		add_field(&b, "Restarts", tmp);
		free(tmp);
	}
	if (r->st && r->st->facts_known && r->st->oom)
		add_field(&b, "OOM-killed", "yes (its last exit)");
	add_field(&b, "Endpoint", r->ep->name);
	add_time(&b, "Created", c->created);
	add_time(&b, "Started", c->started);
	add_time(&b, "Finished", c->finished);
	add_field(&b, "Command", c->command);
	add_field(&b, "Hostname", c->hostname);
	if (c->pid) {
		tmp = xasprintf("%ld", c->pid);
		add_field(&b, "PID", tmp);
		free(tmp);
	}
	for (size_t i = 0; i < c->nports; i++) {
		const struct berth_port *p = &c->ports[i];
		tmp = p->host_port ? xasprintf("%d/%s -> %s:%d", p->container_port, p->proto,
					       *p->host_ip ? p->host_ip : "0.0.0.0", p->host_port)
			: xasprintf("%d/%s", p->container_port, p->proto);
		add_field(&b, i ? "" : "Ports", tmp);
		free(tmp);
	}
	for (size_t i = 0; i < c->nipv4; i++)
		add_field(&b, i ? "" : "IPv4", c->ipv4[i]);
	for (size_t i = 0; i < c->nipv6; i++)
		add_field(&b, i ? "" : "IPv6", c->ipv6[i]);
	add_field(&b, "Floating IP", c->floating_ip);
	tmp = dash_leases_reservation_text(d, r->ep, c->reservation);	/* known, never guessed */
	add_field(&b, "Reservation", tmp);
	free(tmp);
	add_field(&b, "Runtime", c->runtime);
	add_field(&b, "Dev profiles", c->device_profiles);
	if (r->st && r->st->cpu >= 0 && c->running) {
		tmp = xasprintf("%.1f%%", r->st->cpu);
		add_field(&b, "CPU", tmp);
		free(tmp);
	}
	if (r->st && r->st->have_mem && c->running) {
		tmp = xasprintf("%llu MiB of %llu MiB", (unsigned long long)(r->st->mem >> 20),
				(unsigned long long)(r->st->mem_limit >> 20));
		add_field(&b, "Memory", tmp);
		free(tmp);
	}
	for (size_t i = 0; i < c->nlabels; i++) {
		tmp = xasprintf("%s=%s", c->labels[i].key, c->labels[i].value ? c->labels[i].value : "");
		add_field(&b, i ? "" : "Labels", tmp);
		free(tmp);
	}
	char *name = sanitize_str(c->name);
	char *title = xasprintf("details %s", name);
	pane_set_text(pane_new(v, title), b.data ? b.data : "");
	free(title);
	free(name);
	buf_free(&b);
	return true;
}

const struct view_ops details_view = {
	.name = "details", PANE_VIEW_HOOKS, .open = details_open,
	.close = pane_view_close,
};

