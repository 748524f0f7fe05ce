/* ticker.c: see ticker.h. */
#include "ticker.h"

#include <time.h>

int vista_ticker_init(vista_ticker *t) {
  pthread_condattr_t attr;
  t->stopped = 0;
  if (pthread_condattr_init(&attr) != 0)
    return -1;
  int rc = pthread_condattr_setclock(&attr, CLOCK_MONOTONIC) != 0 ||
           pthread_cond_init(&t->wake, &attr) != 0;
  pthread_condattr_destroy(&attr);
  if (rc)
    return -1;
  if (pthread_mutex_init(&t->lock, NULL) != 0) {
    pthread_cond_destroy(&t->wake);
    return -1;
  }
  return 0;
}

int vista_ticker_wait(vista_ticker *t, long ns) {
  struct timespec until;
  clock_gettime(CLOCK_MONOTONIC, &until);
  until.tv_sec += ns / 1000000000;
  until.tv_nsec += ns % 1000000000;
  if (until.tv_nsec >= 1000000000) {
    until.tv_sec++;
    until.tv_nsec -= 1000000000;
  }
  pthread_mutex_lock(&t->lock);
  /* Anything but a wake-up (the time is up, an error) ends the tick. */
  while (!t->stopped && pthread_cond_timedwait(&t->wake, &t->lock, &until) == 0)
    ;
  int stopped = t->stopped;
  pthread_mutex_unlock(&t->lock);
  return stopped;
}

void vista_ticker_stop(vista_ticker *t) {
  pthread_mutex_lock(&t->lock);
  t->stopped = 1;
  pthread_cond_signal(&t->wake);
  pthread_mutex_unlock(&t->lock);
}

void vista_ticker_free(vista_ticker *t) {
  pthread_cond_destroy(&t->wake);
  pthread_mutex_destroy(&t->lock);
}
