"""Renderers: terminal tables (rich), text formats for programs, SVG/HTML exports, and where output goes."""
