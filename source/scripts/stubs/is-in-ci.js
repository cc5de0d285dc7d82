// Ink draws nothing but its last frame when CI is set; a terminal app under test in CI must still draw.
export default false;
