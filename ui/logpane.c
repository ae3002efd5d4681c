/* logpane.c: the bounded text pane (see logpane.h). Lines live in a ring
 * addressed by sequence number, so a view anchored on a line stays put while
 * new lines arrive and old ones fall off. Their text lives in a second ring,
 * of bytes, in the same order: a line never wraps around its end (the gap
 * left there is skipped), and the oldest lines give way to a new one. */
#include "config.h"

#include <curses.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "berth.h"
#include "dash-draw.h"
#include "logpane.h"
#include "sanitize.h"
#include "theme.h"

void
logpane_init(struct logpane *lp, size_t max_lines, bool parse_ts)
{
	memset(lp, 0, sizeof *lp);
	lp->cap = max_lines ? max_lines : 10000;
	lp->ring = xcalloc(lp->cap, sizeof *lp->ring);
	lp->parse_ts = parse_ts;
	lp->follow = true;
}

static void
sources_free(struct logpane *lp)
{
	for (size_t i = 0; i < lp->nsrc; i++)
		free(lp->src_names[i]);
	free(lp->src_names);
	lp->src_names = NULL;
	lp->nsrc = 0;
}

void
logpane_clear(struct logpane *lp)
{
	for (int s = 0; s < 3; s++)
		buf_free(&lp->partial[s]);
	sources_free(lp);
	lp->first_seq += lp->count;
	lp->head = lp->count = 0;
	lp->bytes = 0;
	lp->wpos = 0;
	lp->follow = true;
	lp->at_top = false;
	lp->search[0] = '\0';
}

void
logpane_done(struct logpane *lp)
{
	logpane_clear(lp);
	logpane_set_filter(lp, "", NULL, 0);
	free(lp->ring);
	free(lp->text);
	buf_free(&lp->scratch);
	memset(lp, 0, sizeof *lp);
}

static char *shown_text(const struct logpane *lp, const struct logline *l);
static int rows_for(const char *s, int width, bool wrap);

static uint64_t
last_seq(const struct logpane *lp)
{
	return lp->first_seq + lp->count - (lp->count > 0);
}

static struct logline *
line_at(const struct logpane *lp, uint64_t seq)
{
	return &lp->ring[(lp->head + (seq - lp->first_seq)) % lp->cap];
}

static const char *
text_of(const struct logpane *lp, const struct logline *l)
{
	return lp->text + l->off;
}

const char *
logpane_line(const struct logpane *lp, size_t i)
{
	return text_of(lp, &lp->ring[(lp->head + i) % lp->cap]);
}

/* ---------------------------------------------------------------- the filter */

static bool
filter_matches(const struct logpane *lp, const char *s)
{
	bool m = lp->filter_is_re ? regexec(&lp->filter_re, s, 0, NULL, 0) == 0
				  : strcasestr(s, lp->filter + lp->filter_invert) != NULL;
	return m != lp->filter_invert;
}

/* Whether the filter shows the line seq; a line is matched once per filter,
 * a merged one without its source's "name | " prefix. */
static bool
shows(const struct logpane *lp, uint64_t seq)
{
	if (!lp->filter[0])
		return true;
	struct logline *l = line_at(lp, seq);
	const char *own = text_of(lp, l) + (l->src ? l->plen + 1 : 0);
	if (l->verdict == LINE_UNSEEN)
		l->verdict = filter_matches(lp, own) ? LINE_SHOWN : LINE_HIDDEN;
	return l->verdict == LINE_SHOWN;
}

/* Move *seq to the nearest line the filter shows, itself or older (dir < 0)
 * or newer (dir > 0); false when there is none that way. */
static bool
seek_shown(const struct logpane *lp, uint64_t *seq, int dir)
{
	if (!lp->count)
		return false;
	for (uint64_t s = *seq; s >= lp->first_seq && s <= last_seq(lp); s = dir < 0 ? s - 1 : s + 1)
		if (shows(lp, s)) {
			*seq = s;
			return true;
		}
	return false;
}

/* "/RE/" with or without a leading "!": its RE, NUL-terminated in re[]; NULL
 * for a plain text. */
static const char *
filter_regex(const char *spec, char *re, size_t size)
{
	size_t n = strlen(spec);
	if (n < 2 || spec[0] != '/' || spec[n - 1] != '/' || n - 2 >= size)
		return NULL;
	memcpy(re, spec + 1, n - 2);
	re[n - 2] = '\0';
	return re;
}

bool
logpane_set_filter(struct logpane *lp, const char *spec, char *why, size_t len)
{
	bool invert = spec[0] == '!';
	char re_text[sizeof lp->filter];
	const char *re = filter_regex(spec + invert, re_text, sizeof re_text);
	regex_t compiled;
	if (strlen(spec) >= sizeof lp->filter) {
		snprintf(why, len, "a filter is at most %zu bytes long", sizeof lp->filter - 1);
		return false;
	}
	if (invert && !spec[1]) {
		snprintf(why, len, "! alone hides nothing: type the text to hide after it");
		return false;
	}
	int rc = re ? regcomp(&compiled, re, REG_EXTENDED | REG_ICASE | REG_NOSUB) : 0;
	if (rc != 0) {
		char words[200];
		regerror(rc, &compiled, words, sizeof words);
		snprintf(why, len, "not a regular expression (%s)", words);
		return false;
	}
	if (lp->filter_is_re)
		regfree(&lp->filter_re);
	snprintf(lp->filter, sizeof lp->filter, "%s", spec);
	lp->filter_invert = invert;
	lp->filter_is_re = re != NULL;
	if (re)
		lp->filter_re = compiled;
	for (size_t i = 0; i < lp->count; i++)
		lp->ring[(lp->head + i) % lp->cap].verdict = LINE_UNSEEN;
	return true;
}

size_t
logpane_shown_count(const struct logpane *lp)
{
	size_t n = 0;
	for (uint64_t s = lp->first_seq; s < lp->first_seq + lp->count; s++)
		n += shows(lp, s);
	return n;
}

static void
drop_oldest(struct logpane *lp)
{
	struct logline *l = &lp->ring[lp->head];
	lp->bytes -= l->len;
	lp->head = (lp->head + 1) % lp->cap;
	lp->count--;
	lp->first_seq++;
	if (!lp->count)
		lp->wpos = 0;
	if (!lp->follow && lp->anchor < lp->first_seq)
		lp->anchor = lp->first_seq;
}

/* A larger text ring holding the same lines, packed from its start. */
static void
text_grow(struct logpane *lp, size_t need)
{
	size_t cap = lp->tcap ? lp->tcap * 2 : LOGPANE_TEXT_MIN;
	while (cap < need)
		cap *= 2;
	if (cap > LOGPANE_BYTES_MAX && need <= LOGPANE_BYTES_MAX)
		cap = LOGPANE_BYTES_MAX;
	char *t = xmalloc(cap);
	size_t at = 0;
	for (size_t i = 0; i < lp->count; i++) {
		struct logline *l = &lp->ring[(lp->head + i) % lp->cap];
		memcpy(t + at, lp->text + l->off, l->len + 1);
		l->off = (uint32_t)at;
		at += l->len + 1;
	}
	free(lp->text);
	lp->text = t;
	lp->tcap = cap;
	lp->wpos = at;
}

/* Where need bytes of text go: after the newest line, or at the start of the
 * ring when the end is too short; older lines give way when the ring is at
 * its bound. */
static size_t
text_place(struct logpane *lp, size_t need)
{
	for (;;) {
		size_t tail = lp->count ? lp->ring[lp->head].off : 0;
		if (!lp->count && need <= lp->tcap)
			return 0;
		if (lp->count && lp->wpos > tail) {
			if (lp->tcap - lp->wpos >= need)
				return lp->wpos;
			if (tail >= need)
				return 0;
		} else if (lp->count && tail - lp->wpos >= need) {
			return lp->wpos;
		}
		if (lp->tcap < LOGPANE_BYTES_MAX || need > lp->tcap)
			text_grow(lp, lp->bytes + lp->count + need);
		else
			drop_oldest(lp);
	}
}

/* Split "2026-11-23T08:39:00.123456789Z rest" into the time of day and rest. */
static size_t
take_timestamp(const char *s, size_t len, char ts[16])
{
	ts[0] = '\0';
	if (len < 21 || s[4] != '-' || s[10] != 'T')
		return 0;
	const char *sp = memchr(s, ' ', len < 40 ? len : 40);
	if (!sp)
		return 0;
	size_t n = (size_t)(sp - s) - 11;
	if (n > 12)
		n = 12;
	memcpy(ts, s + 11, n);
	ts[n] = '\0';
	return (size_t)(sp - s) + 1;
}

/* Keep one complete raw line; src: its source + 1 (merged), or 0. */
static void
push_line(struct logpane *lp, int stream, size_t src, const char *s, size_t len)
{
	struct logline l = { .stream = (unsigned char)stream };
	if (lp->parse_ts) {
		size_t skip = take_timestamp(s, len, l.ts);
		s += skip;
		len -= skip;
	}
	struct buf *b = &lp->scratch;
	b->len = 0;
	buf_append(b, "", 0);
	if (src) {
		buf_printf(b, "%s |", lp->src_names[src - 1]);
		l.src = (unsigned char)src;
		l.plen = (unsigned char)b->len;
		buf_append(b, " ", 1);
	}
	sanitize_append(b, s, len);
	if (lp->count == lp->cap)
		drop_oldest(lp);
	size_t at = text_place(lp, b->len + 1);
	memcpy(lp->text + at, b->data, b->len + 1);
	l.off = (uint32_t)at;
	l.len = (uint32_t)b->len;
	lp->wpos = at + b->len + 1;
	lp->ring[(lp->head + lp->count) % lp->cap] = l;
	lp->count++;
	lp->bytes += l.len;
}

/* Where to cut an over-long line: at most LOGPANE_LINE_MAX bytes, not inside
 * a UTF-8 character. */
static size_t
long_line_cut(const char *s)
{
	size_t cut = LOGPANE_LINE_MAX;
	while (cut > LOGPANE_LINE_MAX - 4 && ((unsigned char)s[cut] & 0xc0) == 0x80)
		cut--;
	return cut;
}

void
logpane_feed(struct logpane *lp, int stream, const char *data, size_t len)
{
	if (stream < 0 || stream > 2)
		stream = BERTH_STDOUT;
	struct buf *p = &lp->partial[stream];
	while (len > 0) {
		const char *nl = memchr(data, '\n', len);
		size_t n = nl ? (size_t)(nl - data) : len;
		if (p->len == 0 && nl && n <= LOGPANE_LINE_MAX) {
			push_line(lp, stream, 0, data, n);	/* the common case: no copy */
		} else {
			buf_append(p, data, n);
			while (p->len > LOGPANE_LINE_MAX) {
				size_t cut = long_line_cut(p->data);
				push_line(lp, stream, 0, p->data, cut);
				memmove(p->data, p->data + cut, p->len - cut + 1);
				p->len -= cut;
			}
			if (nl) {
				push_line(lp, stream, 0, p->data, p->len);
				p->len = 0;
			}
		}
		if (!nl)
			break;
		data += n + 1;
		len -= n + 1;
	}
}

void
logpane_set_sources(struct logpane *lp, const char *const *names, size_t n)
{
	sources_free(lp);
	if (n > LOGPANE_SOURCES_MAX)
		n = LOGPANE_SOURCES_MAX;
	lp->src_names = xcalloc(n ? n : 1, sizeof *lp->src_names);
	int width = 0;
	for (size_t i = 0; i < n; i++) {
		struct buf b = { 0 };
		buf_append(&b, "", 0);
		sanitize_append(&b, names[i], strlen(names[i]));
		b.data[text_cut(b.data, b.len, LOGPANE_SOURCE_COLS)] = '\0';
		lp->src_names[i] = b.data;
		if (text_width(b.data) > width)
			width = text_width(b.data);
	}
	lp->nsrc = n;
	for (size_t i = 0; i < n; i++) {	/* padded to the widest */
		char *padded = xasprintf("%s%*s", lp->src_names[i],
					 width - text_width(lp->src_names[i]), "");
		free(lp->src_names[i]);
		lp->src_names[i] = padded;
	}
}

void
logpane_add_sourced(struct logpane *lp, int stream, size_t src, const char *line, size_t len)
{
	if (src >= lp->nsrc)
		return;
	if (len > LOGPANE_LINE_MAX)
		len = long_line_cut(line);
	push_line(lp, stream, src + 1, line, len);
}

void
logpane_flush(struct logpane *lp)
{
	for (int s = 0; s < 3; s++)
		if (lp->partial[s].len) {
			push_line(lp, s, 0, lp->partial[s].data, lp->partial[s].len);
			lp->partial[s].len = 0;
		}
}

void
logpane_add_text(struct logpane *lp, int stream, const char *text)
{
	logpane_feed(lp, stream, text, strlen(text));
	logpane_flush(lp);
}

/* The sequence number of the bottom line shown. */
static uint64_t
bottom_seq(const struct logpane *lp)
{
	return lp->follow ? last_seq(lp) : lp->anchor;
}

/* The line the filter shows n lines on from seq (back when n < 0), stopping
 * at the last one that way. */
static uint64_t
shown_step(const struct logpane *lp, uint64_t seq, long n)
{
	for (; n != 0; n += n < 0 ? 1 : -1) {
		uint64_t next = seq;
		if (n < 0 ? next == lp->first_seq : next == last_seq(lp))
			break;
		next = n < 0 ? next - 1 : next + 1;
		if (!seek_shown(lp, &next, n < 0 ? -1 : 1))
			break;
		seq = next;
	}
	return seq;
}

void
logpane_scroll(struct logpane *lp, long lines)
{
	uint64_t b = bottom_seq(lp), first = lp->first_seq;
	if (!seek_shown(lp, &b, -1) && !seek_shown(lp, &b, 1))
		return;
	lp->at_top = false;
	/* The bottom line goes no higher than the first page's. */
	seek_shown(lp, &first, 1);
	uint64_t lowest = shown_step(lp, first, lp->height > 1 ? lp->height - 1 : 0);
	b = shown_step(lp, b, lines);
	if (lines < 0 && b < lowest)
		b = lowest;
	lp->follow = false;
	lp->anchor = b;
}

void
logpane_home(struct logpane *lp)
{
	lp->follow = false;
	lp->at_top = true;
}

/* The bottom line that puts the first line at the top of height rows. */
static uint64_t
top_anchor(const struct logpane *lp, int height, int width)
{
	uint64_t s = lp->first_seq;
	int rows = 0;
	for (; s < lp->first_seq + lp->count; s++) {
		if (!shows(lp, s))
			continue;
		char *txt = shown_text(lp, line_at(lp, s));
		rows += rows_for(txt, width, lp->wrap);
		free(txt);
		if (rows >= height)
			return s;
	}
	return last_seq(lp);
}

void
logpane_end(struct logpane *lp)
{
	lp->at_top = false;
	lp->follow = true;
}

void
logpane_toggle_follow(struct logpane *lp)
{
	lp->at_top = false;
	if (lp->follow) {
		lp->anchor = last_seq(lp);
		lp->follow = false;
	} else {
		lp->follow = true;
	}
}

bool
logpane_find(struct logpane *lp, int dir)
{
	if (!lp->search[0] || !lp->count)
		return false;
	uint64_t s = bottom_seq(lp);
	for (;;) {
		if (dir < 0 ? s == lp->first_seq : s == last_seq(lp))
			return false;
		s = dir < 0 ? s - 1 : s + 1;
		if (shows(lp, s) && strcasestr(text_of(lp, line_at(lp, s)), lp->search)) {
			lp->follow = false;
			lp->at_top = false;
			lp->anchor = s;
			return true;
		}
	}
}

int
logpane_save(const struct logpane *lp, const char *path)
{
	FILE *f = fopen(path, "w");
	if (!f)
		return -1;
	for (uint64_t s = lp->first_seq; s < lp->first_seq + lp->count; s++) {
		const struct logline *l = line_at(lp, s);
		if (!shows(lp, s))
			continue;
		if (l->ts[0])
			fprintf(f, "%s ", l->ts);
		fprintf(f, "%s\n", text_of(lp, l));
	}
	if (fclose(f) != 0)
		return -1;
	return 0;
}

/* The index of the line seq among those kept, clamped to them: a line drawn
 * before the pane was cleared or trimmed is no longer kept. */
static uint64_t
shown_line(const struct logpane *lp, uint64_t seq)
{
	if (seq < lp->first_seq)
		return 0;
	return seq > last_seq(lp) ? lp->count - 1 : seq - lp->first_seq;
}

void
logpane_flags(const struct logpane *lp, char *buf, size_t len)
{
	char where[64];
	if (lp->live)
		snprintf(where, sizeof where, "%s · %zu lines", lp->follow ? "following"
			 : "paused (G follows)", lp->count);
	else if (lp->count)
		snprintf(where, sizeof where, "lines %llu-%llu of %zu",
			 (unsigned long long)(shown_line(lp, lp->shown_first) + 1),
			 (unsigned long long)(shown_line(lp, lp->shown_last) + 1), lp->count);
	else
		snprintf(where, sizeof where, "empty");
	snprintf(buf, len, "%s%s%s%s%s%s%s", where, lp->wrap ? " · wrap" : "",
		 lp->show_ts ? " · time" : "", lp->search[0] ? " · /" : "", lp->search,
		 lp->filter[0] ? " · &" : "", lp->filter);
}

/* The text of a line as shown (with its time when asked); caller frees. */
static char *
shown_text(const struct logpane *lp, const struct logline *l)
{
	if (lp->show_ts && l->ts[0])
		return xasprintf("%s %s", l->ts, text_of(lp, l));
	return xstrdup(text_of(lp, l));
}

static int
rows_for(const char *s, int width, bool wrap)
{
	if (!wrap || width <= 0)
		return 1;
	int w = text_width(s);
	return w <= width ? 1 : (w + width - 1) / width;
}

/* Draw s[0..len) at (y, x) with every match of term highlighted. */
static int
draw_highlighted(int y, int x, int cols, const char *s, size_t len, const char *term, attr_t a)
{
	char *seg = xstrndup(s, len);
	int used = 0;
	char *p = seg;
	size_t tl = strlen(term);
	while (*p && used < cols) {
		char *m = tl ? strcasestr(p, term) : NULL;
		if (m && m == p) {
			char save = p[tl];
			p[tl] = '\0';
			used += draw_str(y, x + used, cols - used, p, theme_attr(TH_MATCH));
			p[tl] = save;
			p += tl;
			continue;
		}
		char save = 0;
		if (m) {
			save = *m;
			*m = '\0';
		}
		used += draw_str(y, x + used, cols - used, p, a);
		if (!m)
			break;
		*m = save;
		p = m;
	}
	free(seg);
	return used;
}

/* Where a merged line's "name |" prefix lies in its shown text: [*from, *to);
 * empty for a line of no source. */
static void
prefix_span(const struct logpane *lp, const struct logline *l, size_t *from, size_t *to)
{
	*from = *to = 0;
	if (!l->src)
		return;
	*from = lp->show_ts && l->ts[0] ? strlen(l->ts) + 1 : 0;
	*to = *from + l->plen;
}

/* Draw one row's part of a line, s[off, off + len): the prefix's bytes in
 * [pfrom, pto) in the source's colour p, the rest in a. */
static int
draw_row(int y, int cols, const char *s, size_t off, size_t len, const char *term, attr_t a,
	 size_t pfrom, size_t pto, attr_t p)
{
	size_t bounds[4] = { off, pfrom > off ? pfrom : off, pto > off ? pto : off, off + len };
	int used = 0;
	for (int k = 0; k < 3; k++) {
		size_t from = bounds[k] < off + len ? bounds[k] : off + len;
		size_t to = bounds[k + 1] < off + len ? bounds[k + 1] : off + len;
		if (to > from)
			used += draw_highlighted(y, used, cols - used, s + from, to - from, term,
						 k == 1 ? p : a);
	}
	return used;
}

/* Draw rows [skip, skip + n) of one line's wrapped form, starting at row y. */
static void
draw_line_rows(const struct logpane *lp, const struct logline *l, int y, int skip, int n,
	       int width)
{
	attr_t a = l->stream == BERTH_STDERR ? theme_attr(TH_STDERR) : theme_attr(TH_NORMAL);
	attr_t p = l->src ? theme_attr(TH_SOURCE1 + (l->src - 1) % TH_NSOURCES) : a;
	size_t pfrom, pto;
	prefix_span(lp, l, &pfrom, &pto);
	char *s = shown_text(lp, l);
	size_t off = 0, len = strlen(s);
	for (int r = 0; r < skip + n; r++) {
		size_t cut = lp->wrap ? text_cut(s + off, len - off, width) : len - off;
		if (lp->wrap && cut == 0 && off < len)
			cut = 1;
		if (r >= skip) {
			int used = draw_row(y + r - skip, width, s, off, cut, lp->search, a,
					    pfrom, pto, p);
			draw_fill(y + r - skip, used, width - used, theme_attr(TH_NORMAL));
		}
		off += cut;
	}
	free(s);
}

void
logpane_draw(struct logpane *lp, int y, int height, int width)
{
	lp->height = height;
	if (height <= 0)
		return;
	/* At the top, or scrolled back less than the pane is now high (it grew
	 * with the terminal, or the pane beside it closed): the first line at the
	 * top and every row filled, never blank rows under the text. */
	if (!lp->follow) {
		uint64_t first_page_bottom = top_anchor(lp, height, width);
		if (lp->at_top || lp->anchor < first_page_bottom)
			lp->anchor = first_page_bottom;
	}
	/* Walk up from the bottom line until the rows are full, then draw top
	 * down: a pane with less text than rows starts at its top. */
	struct { uint64_t seq; int skip, n; } *v = xcalloc((size_t)height, sizeof *v);
	int nv = 0, rows = 0;
	uint64_t s = bottom_seq(lp);
	bool more = seek_shown(lp, &s, -1);
	while (more && rows < height) {
		char *txt = shown_text(lp, line_at(lp, s));
		int n = rows_for(txt, width, lp->wrap);
		free(txt);
		int skip = n > height - rows ? n - (height - rows) : 0;
		v[nv].seq = s;
		v[nv].skip = skip;
		v[nv++].n = n - skip;
		rows += n - skip;
		if (s == lp->first_seq)
			break;
		s--;
		more = seek_shown(lp, &s, -1);
	}
	lp->shown_first = nv ? v[nv - 1].seq : lp->first_seq;
	lp->shown_last = nv ? v[0].seq : lp->first_seq;
	int row = 0;
	for (int i = nv - 1; i >= 0; i--) {
		draw_line_rows(lp, line_at(lp, v[i].seq), y + row, v[i].skip, v[i].n, width);
		row += v[i].n;
	}
	for (; row < height; row++)
		draw_fill(y + row, 0, width, theme_attr(TH_NORMAL));
	free(v);
}
