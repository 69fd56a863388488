"""Flask-Limiter: slows and caps sign-in attempts (a maintained limiter, not a hand-made one)."""
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address

limiter = Limiter(key_func=get_remote_address, default_limits=[], storage_uri="memory://")
