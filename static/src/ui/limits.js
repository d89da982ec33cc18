// Limits the client keeps to, the same numbers as board/schema.py (the server guard enforces them).
export const MAX_TEXT = 2000;
export const MAX_TITLE = 200;
export const MAX_STROKE_POINTS = 20000;
