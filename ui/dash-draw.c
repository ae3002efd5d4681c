/* dash-draw.c: draw UTF-8 strings by display columns (wcwidth), so wide and
 * combining characters keep the table aligned. */
#include "config.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

#include "dash-draw.h"

/* Decode the next character of s; returns its byte length (at least 1) and
 * its width in *w (1 for anything undecodable or unprintable, drawn as '?'). */
static size_t
next_char(const char *s, size_t len, wchar_t *wc, int *w)
{
	mbstate_t st;
	memset(&st, 0, sizeof st);
	size_t n = mbrtowc(wc, s, len, &st);
	if (n == (size_t)-1 || n == (size_t)-2 || n == 0) {
		*wc = L'?';
		*w = 1;
		return 1;
	}
	*w = wcwidth(*wc);
	if (*w < 0) {
		*wc = L'?';
		*w = 1;
	}
	return n;
}

/* Walk the characters of s (len bytes) that fit in cols display columns;
 * store them in wbuf when it is not NULL (*nw of them). Returns the bytes
 * walked; *used gets their width. */
static size_t
walk(const char *s, size_t len, int cols, wchar_t *wbuf, size_t *nw, int *used)
{
	size_t i = 0;
	*used = 0;
	while (i < len) {
		wchar_t wc;
		int w;
		size_t n = next_char(s + i, len - i, &wc, &w);
		if (*used + w > cols)
			break;
		if (wbuf && (w > 0 || *nw > 0))	/* a leading combining mark has nothing to join */
			wbuf[(*nw)++] = wc;
		*used += w;
		i += n;
	}
	return i;
}

int
draw_str(int y, int x, int cols, const char *s, attr_t a)
{
	if (cols <= 0 || !s)
		return 0;
	size_t nw = 0;
	wchar_t stackbuf[256], *wbuf = stackbuf;
	if ((size_t)cols + 1 > sizeof stackbuf / sizeof stackbuf[0])
		wbuf = malloc(((size_t)cols + 1) * sizeof *wbuf);
	int used;
	walk(s, strlen(s), cols, wbuf, &nw, &used);
	attr_t old_a;
	short old_p;
	attr_get(&old_a, &old_p, NULL);
	attrset(a);
	mvaddnwstr(y, x, wbuf, (int)nw);
	attr_set(old_a, old_p, NULL);
	if (wbuf != stackbuf)
		free(wbuf);
	return used;
}

int
draw_str_cut(int y, int x, int cols, const char *s, attr_t a, bool keep_end)
{
	int width = s ? text_width(s) : 0;
	if (width <= cols || cols < 2)
		return draw_str(y, x, cols, s, a);
	if (!keep_end) {
		int used = draw_str(y, x, cols - 1, s, a);
		return used + draw_str(y, x + used, 1, "…", a);
	}
	int used = draw_str(y, x, 1, "…", a);
	return used + draw_str(y, x + used, cols - used, s + text_tail(s, cols - 1), a);
}

void
draw_fill(int y, int x, int cols, attr_t a)
{
	if (cols <= 0)
		return;
	mvhline(y, x, ' ' | a, cols);
}

void
draw_cell(int y, int x, int cols, const char *s, attr_t a)
{
	int used = draw_str(y, x, cols, s, a);
	draw_fill(y, x + used, cols - used, a);
}

int
text_width(const char *s)
{
	size_t nw = 0;
	int used;
	walk(s, strlen(s), INT_MAX, NULL, &nw, &used);
	return used;
}

size_t
text_tail(const char *s, int cols)
{
	size_t len = strlen(s), i = 0;
	int width = text_width(s);
	while (i < len && width > cols) {	/* whole characters off the start */
		wchar_t wc;
		int w;
		i += next_char(s + i, len - i, &wc, &w);
		width -= w;
	}
	return i;
}

size_t
text_cut(const char *s, size_t len, int cols)
{
	size_t nw = 0;
	int used;
	return walk(s, len, cols, NULL, &nw, &used);
}

const char *
draw_graph_cell(double v, double top, int row, int rows, bool ascii)
{
	static const char *const blocks[] = { " ", "\u2581", "\u2582", "\u2583", "\u2584",
					      "\u2585", "\u2586", "\u2587", "\u2588" };
	static const char *const plain[] = { " ", ".", ".", ":", ":", "=", "=", "#", "#" };
	if (v < 0)
		return " ";
	int eighths = (int)(v / top * rows * 8 + 0.5) - row * 8;
	if (v > 0 && row == 0 && eighths < 1)
		eighths = 1;	/* a little is not nothing */
	eighths = eighths < 0 ? 0 : eighths > 8 ? 8 : eighths;
	return ascii ? plain[eighths] : blocks[eighths];
}
