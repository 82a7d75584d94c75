"""Tongban (通办): an integrated digital-government platform."""
