"""Progress display for long work: a rich spinner with a running count and rate."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager

from rich.console import Console
from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

__all__ = ["counting_progress"]


@contextmanager
def counting_progress(console: Console, label: str) -> Iterator[Callable[[int], None]]:
    """Yield a callback taking the number of items done so far."""
    with Progress(
        SpinnerColumn(),
        TextColumn("[bold]{task.description}"),
        TextColumn("{task.completed:,.0f} entries"),
        TimeElapsedColumn(),
        console=console,
        transient=True,
    ) as progress:
        task = progress.add_task(label, total=None)

        def update(done: int) -> None:
            progress.update(task, completed=done)

        yield update
