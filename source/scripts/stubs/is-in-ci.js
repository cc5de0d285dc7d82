// Ink draws nothing when CI is set (INK_NOTES.md); a terminal app under test in CI must still draw.
export default false;
