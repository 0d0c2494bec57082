"""Settings: where the data lives, the config file and its writer, the app's two-step
settings, and a bad setting told in one sentence. Below every room but the shared leaves."""

from aiom4b_tui.lazy_exports import lazy_exports

__getattr__, __dir__ = lazy_exports(
    __name__,
    {
        "Settings": ".settings",
        "load_settings": ".settings",
        "SettingsError": ".data_location",
        "resolve_data_dir": ".data_location",
    },
)
