"""`pln --help` without Typer: the text the Typer app prints, so that the first command a
new user types costs what `pln --version` costs (~1x the floor) rather than importing every
command's module and Typer to build it (~5x; README, Development).

Typer formats help to the terminal's width, at most 80 columns; ``fast.py`` prints this text
only where Typer would print exactly it (80 columns or more) and leaves narrower terminals
to Typer. ``tests/test_startup.py`` runs the Typer app and fails while the two differ: after
changing a command's name, options or docstring, regenerate this file with
``python -m plncli.help_text``. (Nothing is imported at the top: the fast path reads TOP.)
"""

TOP = """\
Usage: pln [OPTIONS] COMMAND [ARGS]...

  Keep your professional learning network alive.

    pln add "Ana Ruiz" "Ben Okafor" --met-at "researchED 2026" --follow-up "in 3 days"
    pln log "Ana Ruiz" -m "Coffee: swapped quiz designs" --kind coffee --on yesterday
    pln due                  what you owe, and whom you have let go quiet
    pln show Ana             profile, follow-ups and timeline
    pln help COMMAND         its manual page (pln COMMAND --help: the options)

  PERSON is a name, a unique prefix, a close spelling, or #id. Dates: today,
  tomorrow, yesterday, in 3 days, 3d, 2w, next friday, last monday, dec 3,
  2026-12-01.

Options:
  --db <path>  Database file (else $PLN_DB, $PLN_HOME/pln.db, or the user data
               dir).
  --version    Show the version.
  --no-pager   Print long output directly, not through $PLN_PAGER or $PAGER.
  -h, --help   Show this message and exit.

Commands:
  kinds       List kinds of interaction, how often each was logged, and...
  add         Add one or more people: everyone you met at a conference in...
  edit        Change someone's details.
  show        Show someone's profile, open follow-ups and timeline of...
  list        List people, with filters.
  events      List events, who you met there, and how many have had no...
  find        Search names, organisations, topics, notes and interaction...
  archive     Archive someone: gone from lists and `pln due`, nothing lost.
  restore     Bring an archived person back, with everything they had.
  log         Record an interaction with one or several people.
  remind      Create a follow-up owed to someone; recurring ones roll...
  done        Mark follow-ups done (and log each as contact, unless...
  snooze      Move follow-ups to a later date (a recurring series keeps...
  drop        Drop follow-ups you no longer intend to do (they stay in...
  reminders   List follow-ups (open ones by default), soonest first.
  due         What you owe now, and whom you have let go quiet; most...
  forget      Erase someone and every trace of them: their records, the...
  graph       Draw your network: one HTML file that opens offline, or...
  knows       Record that two contacts know each other, or list whom one...
  unknows     Remove a tie recorded by mistake.
  introduce   Who should meet whom, with the reasons; or record, draft or...
  intros      List introductions by state, and what kinds of...
  who         Who offers or works on a topic, best first, and how to...
  private     Mark a topic, event or group private: never used as a...
  resources   List resources, with their topics and how often they were...
  share       Who a resource would help, best first, with the reasons; or...
  completion  Print the script that completes pln's commands, options,...
  help        Show the manual page of pln, or of a command.
  stats       Your network's health: who is active, due or dormant,...
  history     List recent changes: what command, when, and what it changed.
  undo        Revert the newest change not yet undone; run it again to go...
  import      Import people from a file, all or nothing.
  export      Export the book: json (everything), csv (people), vcard...
  merge       Merge two records of one person: OTHER's history moves to...
  event       One event: show who you met there, fix its name, date or...
  group       Groups: DM groups, associations, departments, book clubs.
  intro       Carry an introduction through: asked, made, declined, outcome.
  resource    One resource (an article, book, blog, video, course,...
  db          The database file: where it is and what it holds.
"""


def generate() -> str:
    """What the Typer app prints for `pln --help` on a terminal 80 columns wide."""
    import os
    import subprocess
    import sys

    env = {**os.environ, "PLN_NO_FASTPATH": "1", "COLUMNS": "80"}
    run = [sys.executable, "-m", "plncli", "--help"]
    return subprocess.run(run, env=env, capture_output=True, text=True, check=True).stdout


def main() -> None:
    """Rewrite TOP in this file from the Typer app."""
    from pathlib import Path

    text = generate()
    if '"""' in text or "\\" in text:
        raise SystemExit("the help text holds a triple quote or a backslash: quote it by hand")
    path = Path(__file__)
    source = path.read_text(encoding="utf-8")
    head, _, rest = source.partition('TOP = """\\\n')
    _, _, tail = rest.partition('"""\n')
    path.write_text(f'{head}TOP = """\\\n{text}"""\n{tail}', encoding="utf-8")


if __name__ == "__main__":
    main()
