// How much the linearizability page draws, and its layout: the page stays readable and a few MB
// at most however large the history, and says what it left out.

// --- Limits ----------------------------------------------------------------------------------
/** Ops drawn as bars in the whole page. */
export const PAGE_OP_BUDGET = 4000;
/** Ops drawn for one illegal partition (the window around its counterexample). */
export const ILLEGAL_OP_CAP = 300;
/** An ok / unknown partition gets a timeline only when it has at most this many ops. */
export const SMALL_PARTITION_OPS = 120;
/** Illegal partitions that get a timeline; later ones get the counterexample as text only. */
export const MAX_ILLEGAL_TIMELINES = 20;
/** Partitions rendered as their own section; the rest go into a compact table. */
export const MAX_SECTIONS = 300;
/** Rows of that compact table. */
export const MAX_TABLE_ROWS = 2000;
/** Counterexamples offered per partition. */
export const MAX_COUNTEREXAMPLES = 8;
/** The fewest last ops of a linearization that define the window drawn around a counterexample. */
export const FOCUS_TAIL = 8;
/** An illegal partition is drawn whole up to this many ops; beyond, a window of about WINDOW_TARGET_OPS. */
export const ILLEGAL_DRAW_ALL = 80;
export const WINDOW_TARGET_OPS = 50;
/** Linearization entries listed as text per counterexample (the last ones). */
export const MAX_LISTED_LINEARIZATION = 40;
/** Partition links in the header. */
export const MAX_HEADER_CHIPS = 200;
/** Characters of a value in a label / a tooltip / a state. */
export const LABEL_VALUE_CHARS = 48;
export const TOOLTIP_VALUE_CHARS = 400;
export const STATE_CHARS = 2000;

// --- Layout (px) -----------------------------------------------------------------------------
export const SVG_WIDTH = 1180;
export const GUTTER = 96;
export const RIGHT_PAD = 18;
export const PLOT_WIDTH = SVG_WIDTH - GUTTER - RIGHT_PAD;
export const AXIS_HEIGHT = 28;
export const FAULT_ROW_HEIGHT = 16;
export const MAX_FAULT_ROWS = 3;
export const ROW_HEIGHT = 38;
export const BAR_TOP = 15; // within a row: room above the bar for linearization numbers
export const BAR_HEIGHT = 18;
export const CHAR_WIDTH = 6.7; // 11px monospace
