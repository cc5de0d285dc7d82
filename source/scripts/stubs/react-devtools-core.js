// Ink 6.8 imports react-devtools-core statically; the reader never connects to devtools.
export default { initialize() {}, connectToDevTools() {} };
