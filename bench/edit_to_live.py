"""Measures save -> first response showing the change, through the real reload path."""
from __future__ import print_function

import random
import sys
import time

from harness import Gunicorn, MariaDB, edit_greeting, get, wait_until


def percentile(values, p):
    ordered = sorted(values)
    k = (len(ordered) - 1) * p
    low = int(k)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (k - low)


def main(edits):
    db = MariaDB()
    db.start()
    db.provision()
    server = Gunicorn(db.env()).start()
    try:
        wait_until(lambda: get(server.url)[0] == 200, 10, what='first 200')
        samples = []
        for i in range(edits):
            # A person does not save in step with the poll interval: vary the phase.
            time.sleep(0.3 + random.random() * 0.7)
            greeting = 'Hello Devops %d' % (1000 + i)
            saved = edit_greeting(server.app_file(), greeting)
            expected = greeting + ', 1234!'
            wait_until(lambda: get(server.url, timeout=2)[1] == expected, 15, interval=0.01,
                       what='edit %d to be live' % i)
            samples.append(time.time() - saved)
        print('edit-to-live over %d saves (Gunicorn %s workers, reload engine poll):' % (
            len(samples), server.env.get('GUNICORN_WORKERS', '2')))
        print('  min    %.3f s' % min(samples))
        print('  median %.3f s   (target <= 0.7 s)' % percentile(samples, 0.5))
        print('  p95    %.3f s   (target <= 1.2 s)' % percentile(samples, 0.95))
        print('  max    %.3f s' % max(samples))
    finally:
        server.stop()
        db.destroy()


if __name__ == '__main__':
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 20)
