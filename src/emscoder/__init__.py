"""emscoder: explainable coding of ambulance patient care reports."""
__version__ = "0.1.0"
