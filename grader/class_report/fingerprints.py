"""MOSS-style fingerprints of Python code: k-grams of normalised tokens, winnowed.

A module is read with the standard library's `tokenize`; comments, blank lines and line breaks
inside brackets are dropped, every name that is not an attribute (variables, functions,
classes, modules) becomes `V` and every string `S`, so renamed identifiers, added comments and
docstrings do not change the token stream. Attribute names (`tf.reduce_mean`), keywords,
operators and numbers are kept: they are what makes two honest solutions differ.

Each run of `K` tokens is hashed (BLAKE2b, 8 bytes: the same on every run and machine), and
winnowing keeps the smallest hash of every `WINDOW` consecutive ones (Schleimer, Wilkerson and
Aiken 2003): any shared run of at least `K + WINDOW - 1` tokens shares a fingerprint, and a
module of n tokens keeps about 2n / (WINDOW + 1) of them.
"""

from __future__ import annotations

import hashlib
import io
import keyword
import tokenize
from collections.abc import Iterator
from dataclasses import dataclass

K = 8  # tokens per k-gram: the shortest shared run that can count
WINDOW = 6  # k-grams per window: every shared run of K + WINDOW - 1 tokens is found
# Python 3.12 splits f-strings into parts: the start stands for the string, the expressions inside are tokens.
_STRINGS = {tokenize.STRING, getattr(tokenize, "FSTRING_START", tokenize.STRING)}
_STRING_PARTS = {getattr(tokenize, name) for name in ("FSTRING_MIDDLE", "FSTRING_END") if hasattr(tokenize, name)}
_DROPPED = {tokenize.COMMENT, tokenize.NL, tokenize.ENCODING, tokenize.ENDMARKER, tokenize.TYPE_COMMENT}


@dataclass(frozen=True)
class Fingerprint:
    """One kept k-gram: its hash and the lines (1-based, first and last) its tokens span."""

    hash: int
    first_line: int
    last_line: int


def _raw_tokens(code: str) -> Iterator[tokenize.TokenInfo]:
    """The module's tokens; code that does not tokenize (a syntax error) is read line by line, skipping what fails."""
    try:
        yield from list(tokenize.generate_tokens(io.StringIO(code).readline))
        return
    except (tokenize.TokenError, SyntaxError):
        pass
    for number, line in enumerate(code.splitlines(keepends=True), start=1):
        try:
            tokens = list(tokenize.generate_tokens(io.StringIO(line.strip() + "\n").readline))
        except (tokenize.TokenError, SyntaxError):
            continue
        for token in tokens:
            yield token._replace(start=(number, token.start[1]), end=(number, token.end[1]))


def normalised_tokens(code: str) -> list[tuple[str, int]]:
    """(normalised token, line) of a module: names `V` (attributes and keywords kept), strings `S`, no comments."""
    tokens: list[tuple[str, int]] = []
    previous = ""
    for token in _raw_tokens(code):
        if token.type in _DROPPED:
            continue
        text = token.string
        if token.type == tokenize.NAME and not keyword.iskeyword(text) and previous != ".":
            text = "V"
        elif token.type in _STRINGS:
            text = "S"
        elif token.type in _STRING_PARTS:
            continue
        elif token.type == tokenize.INDENT:
            text = ">"
        elif token.type == tokenize.DEDENT:
            text = "<"
        elif token.type == tokenize.NEWLINE:
            text = ";"
        tokens.append((text, token.start[0]))
        previous = token.string
    return tokens


def _hash(gram: tuple[str, ...]) -> int:
    return int.from_bytes(hashlib.blake2b("\x00".join(gram).encode(), digest_size=8).digest(), "big")


def fingerprints(code: str) -> list[Fingerprint]:
    """The winnowed fingerprints of a module, in order (robust winnowing: the rightmost smallest of each window)."""
    tokens = normalised_tokens(code)
    texts = tuple(text for text, _ in tokens)
    hashes = [_hash(texts[start : start + K]) for start in range(len(tokens) - K + 1)]
    if not hashes and tokens:  # shorter than one k-gram: the whole module is one
        hashes = [_hash(texts)]
    kept: list[Fingerprint] = []
    chosen = -1
    for end in range(min(WINDOW, len(hashes)) - 1, len(hashes)):
        start = max(0, end - WINDOW + 1)
        window = hashes[start : end + 1]
        smallest = min(window)
        position = start + len(window) - 1 - window[::-1].index(smallest)
        if position != chosen:
            chosen = position
            last = min(position + K, len(tokens)) - 1
            kept.append(Fingerprint(smallest, tokens[position][1], tokens[last][1]))
    return kept
