"""Amazon States Language in the core: parse and validate a definition (model), its graph,
a layered top-down layout (layout), text with box-drawing characters (render) and moving
from state to state (navigate). No textual here: widgets/state_graph.py draws the result."""
