/* ticker.h: a helper thread's sleep that its owner can cut short.
 *
 * The watchdog and the writeback thread look at something every few
 * milliseconds; when their owner is done, it stops the ticker and joins
 * the thread at once instead of waiting out the tick. */
#ifndef VISTA_TICKER_H
#define VISTA_TICKER_H

#include <pthread.h>

typedef struct vista_ticker {
  pthread_mutex_t lock;
  pthread_cond_t wake; /* on the monotonic clock */
  int stopped;         /* under lock */
} vista_ticker;

/* 0 when ready; on failure nothing is left to free. */
int vista_ticker_init(vista_ticker *t);
/* Sleeps ns nanoseconds or until stopped; 1 when stopped. */
int vista_ticker_wait(vista_ticker *t, long ns);
/* Wakes the sleeper; every later wait returns 1 at once. */
void vista_ticker_stop(vista_ticker *t);
void vista_ticker_free(vista_ticker *t);

#endif
