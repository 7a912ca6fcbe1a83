"""The shared vocabulary of every layer: team reference data, price maths, the records
that cross layers and the status words. Imports only the standard library and pydantic."""
