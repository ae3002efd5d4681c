/* dash-draw.h: drawing UTF-8 text by display columns. */
#ifndef BERTH_DASH_DRAW_H
#define BERTH_DASH_DRAW_H

#include <curses.h>
#include <stdbool.h>
#include <stddef.h>

/* Draw at most cols display columns of the UTF-8 string s at (y, x); returns
 * the columns drawn. s must already be sanitized. */
int draw_str(int y, int x, int cols, const char *s, attr_t a);
/* Like draw_str, but a string wider than cols is cut with a "…" marker where
 * the text was dropped: at the end, or at the start when keep_end (names that
 * differ at their end, such as endpoint addresses). */
int draw_str_cut(int y, int x, int cols, const char *s, attr_t a, bool keep_end);
/* Draw exactly cols columns: s, then spaces. */
void draw_cell(int y, int x, int cols, const char *s, attr_t a);
/* Spaces over cols columns. */
void draw_fill(int y, int x, int cols, attr_t a);
/* Display width of s. */
int text_width(const char *s);
/* The byte offset where the last cols columns of s start. */
size_t text_tail(const char *s, int cols);
/* The byte offset where the first cols columns of s end. */
size_t text_cut(const char *s, size_t len, int cols);
/* The cell of graph row `row` (0 at the bottom, of rows) for value v of a
 * scale 0 to top: a block character, or ASCII; v < 0 (not known) is blank. A
 * sparkline is the one row of rows 1. */
const char *draw_graph_cell(double v, double top, int row, int rows, bool ascii);

#endif
