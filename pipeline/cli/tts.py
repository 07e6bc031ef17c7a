"""Text-to-speech engines for the loudspeaker channel: which are installed, how to add the others."""


from pipeline import words
from pipeline.cli.context import say
from pipeline.cli.helptext import Commands
from pipeline.render.tts import engines_status

group = Commands(help=words.help.TTS, no_args_is_help=True)


@group.command("check", help=words.help.TTS_CHECK)
def tts_check() -> None:
    """Which text-to-speech engines are installed, and how to add the others."""
    for status in engines_status():
        say(status.name, "green" if status.available else "yellow",
            words.cli.engine_status(status.available, status.detail))
