from aiom4b_tui.ui.app import create_app
from aiom4b_tui.ui.screen_text import screen_text


async def test_opens(settings, library, service):
    from aiom4b_tui.core.models import JobCreate

    service.create_job(JobCreate(input_folders=[library / "Emma"]))
    app = create_app(settings, library, run_queue=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause(1.0)
        print(screen_text(app))
        await pilot.press("l")
        await pilot.pause(0.5)
        print(screen_text(app))
    app = create_app(settings, library, run_queue=False)
    async with app.run_test(size=(120, 30)) as pilot:
        await pilot.pause(1.0)
        print(screen_text(app))
