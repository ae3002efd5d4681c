/* keymap.c: the key bindings. A flat table from curses key codes to actions,
 * built from the defaults and the configuration's [keys] section. */
#include "config.h"

#include <ctype.h>
#include <curses.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "keymap.h"
#include "util.h"

#define KEYMAP_SIZE (KEY_MAX + 1)

struct action_info {
	const char *name;
	const char *help;
	const char *keys;	/* defaults, space-separated key names */
};

static const struct action_info actions[ACT_COUNT] = {
	[ACT_UP] = { "up", "move up (scroll up in a focused log pane)", "k up" },
	[ACT_DOWN] = { "down", "move down", "j down" },
	[ACT_TOP] = { "top", "first row / start of the log", "g home" },
	[ACT_BOTTOM] = { "bottom", "last row / end of the log (resumes following)", "G end" },
	[ACT_PAGE_UP] = { "page_up", "page up", "pgup ^b" },
	[ACT_PAGE_DOWN] = { "page_down", "page down", "pgdn ^f" },
	[ACT_FILTER] = { "filter", "filter the table as you type (search when the log has focus)", "/" },
	[ACT_HELP] = { "help", "this key map", "? f1" },
	[ACT_QUIT] = { "quit", "quit berth", "q" },
	[ACT_BACK] = { "back", "close a pane or dialog, clear the filter and marks", "esc" },
	[ACT_DETAILS] = { "details", "details and processes of the selected row", "enter" },
	[ACT_LOGS] = { "logs", "log pane: split, full screen, off", "l" },
	[ACT_EXEC] = { "exec", "run a command in the container or each marked one, show the output", "e" },
	[ACT_SHELL] = { "shell", "interactive shell in the container", "E" },
	[ACT_COPY] = { "copy", "copy files to or from the container, or into another", "c" },
	[ACT_KILL] = { "kill", "send a signal (SIGKILL by default), after confirming", "K" },
	[ACT_FIP] = { "floating_ip", "associate or dissociate a floating IP (Zun)", "f" },
	[ACT_LEASES] = { "leases", "active leases, their end, time left and reservations (Zun sites with Blazar)", "L" },
	[ACT_MARK] = { "mark", "mark the row for a bulk action", "space" },
	[ACT_START] = { "start", "start the selected or marked containers", "s" },
	[ACT_STOP] = { "stop", "stop the selected or marked containers", "S" },
	[ACT_RESTART] = { "restart", "restart the selected or marked containers", "r" },
	[ACT_DELETE] = { "delete", "delete the selected or marked containers, after confirming", "d" },
	[ACT_INSPECT] = { "inspect", "the engine's full JSON document", "i" },
	[ACT_SORT] = { "sort", "sort by the next column", "o >" },
	[ACT_SORT_REVERSE] = { "sort_reverse", "reverse the sort order", "O <" },
	[ACT_REFRESH] = { "refresh", "re-list every endpoint and redraw", "^l" },
	[ACT_ALL] = { "all", "show all containers or running ones only", "a" },
	[ACT_MOUSE] = { "mouse", "turn the mouse on or off", "m" },
	[ACT_FOCUS] = { "focus", "move the focus between the table and the log pane", "tab" },
	[ACT_LOG_PAUSE] = { "log_pause", "pause or resume following the log", "p" },
	[ACT_LOG_WRAP] = { "log_wrap", "wrap long log lines", "w" },
	[ACT_LOG_TIMESTAMPS] = { "log_timestamps", "show the log's timestamps", "t" },
	[ACT_NEXT] = { "search_next", "next search match in a focused pane; else the run form (a new container)", "n" },
	[ACT_PREV] = { "search_prev", "previous search match", "N" },
	[ACT_LOG_SAVE] = { "log_save", "save the log pane to a file", "^s" },
	[ACT_ENDPOINTS] = { "endpoints", "every endpoint: state, error, back-off; enter filters to one", "H" },
	[ACT_GROUP] = { "group", "group the rows by endpoint, by lease (Zun), by compose project, or not; each under its header", "z" },
	[ACT_STATS] = { "stats", "graphs of the container's last 10 minutes: CPU, memory, I/O, PIDs", "u" },
	[ACT_IMAGES] = { "images", "the images view: d removes (after confirming), P pulls, n runs", "I" },
	[ACT_PULL] = { "pull", "pull an image (in the images view), its progress in the title", "P" },
	[ACT_PORT] = { "port", "probe a port of the container, GET / on it, and show the URL for others", "W" },
	[ACT_YANK] = { "yank", "copy the container's id, name or URL to the clipboard (OSC 52)", "y" },
	[ACT_PROJECT] = { "project", "mark every container of the selected one's compose project", "M" },
	[ACT_EVENTS] = { "events", "the last events of every endpoint, newest first (/ filters)", "v" },
	[ACT_EXTEND] = { "extend", "in the leases view: extend a lease, after confirming", "x" },
	[ACT_COMMAND] = { "command", "command line: berth's verbs (:stop, :logs, :run ...), Tab, history", ":" },
	[ACT_LOG_FILTER] = { "log_filter", "log pane: keep only the lines with a text, /regex/ or, after !, without; empty clears", "&" },
	[ACT_LOG_WINDOW] = { "log_window", "log pane: the engine's lines of the last 1 m, 10 m, 1 h, or all (asked again)", "T" },
};

static unsigned char keymap[KEYMAP_SIZE];

const char *
action_name(enum action a)
{
	return a > ACT_NONE && a < ACT_COUNT ? actions[a].name : "";
}

const char *
action_help(enum action a)
{
	return a > ACT_NONE && a < ACT_COUNT ? actions[a].help : "";
}

static const struct { const char *name; int key; } named_keys[] = {
	{ "enter", '\n' }, { "return", '\n' }, { "esc", 27 }, { "escape", 27 },
	{ "space", ' ' }, { "tab", '\t' }, { "backspace", KEY_BACKSPACE },
	{ "up", KEY_UP }, { "down", KEY_DOWN }, { "left", KEY_LEFT }, { "right", KEY_RIGHT },
	{ "pgup", KEY_PPAGE }, { "page_up", KEY_PPAGE }, { "pageup", KEY_PPAGE },
	{ "pgdn", KEY_NPAGE }, { "page_down", KEY_NPAGE }, { "pagedown", KEY_NPAGE },
	{ "home", KEY_HOME }, { "end", KEY_END }, { "delete", KEY_DC }, { "insert", KEY_IC },
	{ "btab", KEY_BTAB },
};

int
keymap_parse_key(const char *name)
{
	size_t len = strlen(name);
	if (len == 1)
		return (unsigned char)name[0];
	if (len == 2 && name[0] == '^' && isalpha((unsigned char)name[1]))
		return toupper((unsigned char)name[1]) & 0x1f;
	if (len == 6 && strncasecmp(name, "ctrl-", 5) == 0 && isalpha((unsigned char)name[5]))
		return toupper((unsigned char)name[5]) & 0x1f;
	if ((name[0] == 'f' || name[0] == 'F') && isdigit((unsigned char)name[1])) {
		int n = atoi(name + 1);
		if (n >= 1 && n <= 12 && len <= 3)
			return KEY_F(n);
	}
	for (size_t i = 0; i < sizeof named_keys / sizeof named_keys[0]; i++)
		if (strcasecmp(name, named_keys[i].name) == 0)
			return named_keys[i].key;
	return -1;
}

/* A short printable name for a key code ("^S", "pgup", "space"). */
static const char *
keymap_key_name(int key, char *buf, size_t len)
{
	for (size_t i = 0; i < sizeof named_keys / sizeof named_keys[0]; i++)
		if (named_keys[i].key == key) {
			snprintf(buf, len, "%s", named_keys[i].name);
			return buf;
		}
	if (key >= KEY_F(1) && key <= KEY_F(12))
		snprintf(buf, len, "F%d", key - KEY_F0);
	else if (key > 0 && key < 32)
		snprintf(buf, len, "^%c", key + '@');
	else if (key > 32 && key < 127)
		snprintf(buf, len, "%c", key);
	else
		snprintf(buf, len, "#%d", key);
	return buf;
}

/* Bind every key named in the space-separated list to a. */
static int
bind_keys(enum action a, const char *list, struct berth_error *err)
{
	char *copy = xstrdup(list), *save = NULL;
	int rc = 0;
	for (char *tok = strtok_r(copy, " \t", &save); tok; tok = strtok_r(NULL, " \t", &save)) {
		int key = keymap_parse_key(tok);
		if (key < 0 || key >= KEYMAP_SIZE) {
			rc = berth_fail(err, BERTH_EUSAGE,
					"[keys] %s = %s: unknown key name %s", actions[a].name, list, tok);
			break;
		}
		keymap[key] = (unsigned char)a;
	}
	free(copy);
	return rc;
}

static enum action
action_by_name(const char *name)
{
	for (int a = ACT_NONE + 1; a < ACT_COUNT; a++)
		if (strcmp(actions[a].name, name) == 0)
			return a;
	return ACT_NONE;
}

/* True when the configuration does not rebind the action called name. */
static bool
cfg_has_no_binding(const struct berth_config *cfg, const char *name)
{
	for (size_t i = 0; cfg && i < cfg->nkeys; i++)
		if (strcmp(cfg->keys[i].key, name) == 0)
			return false;
	return true;
}

int
keymap_init(const struct berth_config *cfg, struct berth_error *err)
{
	memset(keymap, 0, sizeof keymap);
	for (int a = ACT_NONE + 1; a < ACT_COUNT; a++)
		if (cfg_has_no_binding(cfg, actions[a].name) && bind_keys(a, actions[a].keys, err) < 0)
			return -1;
	for (size_t i = 0; cfg && i < cfg->nkeys; i++) {
		enum action a = action_by_name(cfg->keys[i].key);
		if (a == ACT_NONE)
			return berth_fail(err, BERTH_EUSAGE, "[keys] %s: no such dashboard action",
					  cfg->keys[i].key);
		if (bind_keys(a, cfg->keys[i].value, err) < 0)
			return -1;
	}
	return 0;
}

enum action
keymap_lookup(int key)
{
	if (key == '\r' || key == KEY_ENTER)	/* Enter arrives as CR in raw mode */
		key = '\n';
	return key >= 0 && key < KEYMAP_SIZE ? (enum action)keymap[key] : ACT_NONE;
}

const char *
keymap_keys(enum action a)
{
	static char out[64];
	char name[16];
	size_t len = 0;
	out[0] = '\0';
	for (int k = 0; k < KEYMAP_SIZE && len + 12 < sizeof out; k++)
		if (keymap[k] == a)
			len += (size_t)snprintf(out + len, sizeof out - len, "%s%s", len ? " " : "",
						keymap_key_name(k, name, sizeof name));
	return out;
}
