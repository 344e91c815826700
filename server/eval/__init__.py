"""The project's own evaluation harness: a sound-class classifier and the render metrics."""
