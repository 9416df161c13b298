"""The standard-library-level base every other package stands on: ids, units, canonical encoding,
hashing, signing, errors and limits. Nothing here knows about any institution."""
