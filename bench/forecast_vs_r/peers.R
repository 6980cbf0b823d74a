# R peers for bench/forecast_vs_r: R's forecast package (ets, stlf, auto.arima, snaive)
# and a plain moving average, on the series and origins written by prepare.py.
#
# Usage: Rscript peers.R --dir OUT [--arima-every N] [--jobs N]
#   OUT must hold origins.csv and series/<trace>.csv (from prepare.py).
#   Writes OUT/r_results.csv, OUT/r_methods.csv, OUT/r_scales.csv, OUT/r_summary.csv and prints
#   the summary.
#
# Protocol (see README.md): fit on at most the 14 days before the origin, forecast 24 h,
# MASE over steps 1..1h and 1..24h scaled by the in-sample MAE of the one-step naive
# forecast over the fitting window, coverage = share of those steps inside the interval,
# seconds = CPU time (user + sys) of fit + 24 h forecast (intervals included) for that origin;
# wall time goes to r_methods.csv.

suppressPackageStartupMessages(library(forecast))
suppressPackageStartupMessages(library(parallel))

args <- commandArgs(trailingOnly = TRUE)
opt <- list(dir = NULL, arima_every = 2L, jobs = 1L)
i <- 1
while (i <= length(args)) {
  a <- args[[i]]
  if (a == "--dir") { opt$dir <- args[[i + 1]]; i <- i + 2 }
  else if (a == "--arima-every") { opt$arima_every <- as.integer(args[[i + 1]]); i <- i + 2 }
  else if (a == "--jobs") { opt$jobs <- as.integer(args[[i + 1]]); i <- i + 2 }
  else stop("unknown argument: ", a)
}
if (is.null(opt$dir)) stop("--dir is required")

DAY <- 86400
FIT_DAYS <- 14
LEVELS <- c(80, 95)
FOURIER_K <- 5        # daily harmonics for auto.arima's Fourier regressors
MA_SECONDS <- 3000    # plain moving average over the last 50 minutes (rounded up to whole steps)

origins <- read.csv(file.path(opt$dir, "origins.csv"), stringsAsFactors = FALSE)
series <- list()
for (tr in unique(origins$trace)) {
  series[[tr]] <- read.csv(file.path(opt$dir, "series", paste0(tr, ".csv")))$value
}

# --- models: each returns list(mean, lo80, hi80, lo95, hi95, method), vectors of length H ---

from_forecast <- function(fc) {
  list(mean = as.numeric(fc$mean),
       lo80 = as.numeric(fc$lower[, 1]), hi80 = as.numeric(fc$upper[, 1]),
       lo95 = as.numeric(fc$lower[, 2]), hi95 = as.numeric(fc$upper[, 2]),
       method = fc$method)
}

m_snaive <- function(y, H) from_forecast(snaive(y, h = H, level = LEVELS))

# ets() as R does it by itself: with frequency > 24 (5-minute data, 288 steps/day) it warns
# "I can't handle data with frequency greater than 24. Seasonality will be ignored." and fits a
# non-seasonal model; on hourly data (frequency 24) it chooses among seasonal models.
m_ets <- function(y, H) from_forecast(forecast(suppressWarnings(ets(y)), h = H, level = LEVELS))

# stlf: STL decomposition (daily period), ets on the seasonally adjusted series, seasonal naive
# re-seasonalisation. All defaults.
m_stlf <- function(y, H) from_forecast(stlf(y, h = H, level = LEVELS))

# auto.arima: seasonal ARIMA with period 288 is impractical (and R's arima() cannot handle
# seasonal periods that long well), so daily seasonality enters as K = 5 Fourier pairs and
# auto.arima picks the ARIMA error model (dynamic harmonic regression, as forecast's author
# recommends for long seasonal periods). Same form on hourly series, for uniformity.
m_arima <- function(y, H) {
  K <- min(FOURIER_K, floor(frequency(y) / 2))
  fit <- auto.arima(y, xreg = fourier(y, K = K), seasonal = FALSE)
  from_forecast(forecast(fit, xreg = fourier(y, K = K, h = H), level = LEVELS))
}

# Plain moving average: flat forecast = mean of the last k steps, k = ceil(50 min / resolution)
# (10 steps at 5 minutes; 1 step at hourly resolution, i.e. the last hourly mean, itself a
# 60-minute mean of the raw trace). Intervals: empirical quantiles, per lead, of the in-sample
# errors of that same forecaster over the fitting window.
m_ma <- function(y, H, res) {
  k <- max(1L, as.integer(ceiling(MA_SECONDS / res)))
  y <- as.numeric(y)
  n <- length(y)
  m <- as.numeric(stats::filter(y, rep(1 / k, k), sides = 1))  # m[t] = mean(y[t-k+1..t])
  mu <- m[n]
  q <- matrix(NA_real_, H, 4)
  for (h in seq_len(H)) {
    e <- y[(k + h):n] - m[k:(n - h)]
    q[h, ] <- quantile(e, c(0.10, 0.90, 0.025, 0.975), names = FALSE, type = 7)
  }
  list(mean = rep(mu, H), lo80 = mu + q[, 1], hi80 = mu + q[, 2],
       lo95 = mu + q[, 3], hi95 = mu + q[, 4], method = sprintf("MA(%d)", k))
}

MODELS <- c("snaive", "ma", "ets", "stlf", "auto.arima")

# --- one origin ---

run_origin <- function(r) {
  tr <- origins$trace[r]; res <- origins$resolution_seconds[r]; o <- origins$origin_index[r]
  rank <- origins$rank[r]
  x <- series[[tr]]
  per_day <- DAY %/% res
  H <- per_day
  h1 <- 3600 %/% res
  w <- FIT_DAYS * per_day
  hist <- x[max(1, o - w + 1):o]           # 0-based rows [o - w, o) = 1-based (o-w+1)..o
  actual <- x[(o + 1):(o + H)]             # 0-based rows o .. o + H - 1
  y <- ts(hist, frequency = per_day)
  scale <- mean(abs(diff(hist)))                       # one-step naive in-sample MAE (the MASE scale)
  scale_s <- mean(abs(diff(hist, lag = per_day)))      # daily seasonal naive in-sample MAE (alternative)
  rows <- list(); meth <- list()
  for (model in MODELS) {
    if (model == "auto.arima" && ((rank - 1) %% opt$arima_every) != 0) next
    t0 <- proc.time()
    fc <- tryCatch(switch(model,
                          snaive = m_snaive(y, H),
                          ma = m_ma(y, H, res),
                          ets = m_ets(y, H),
                          stlf = m_stlf(y, H),
                          auto.arima = m_arima(y, H)),
                   error = function(e) e)
    dt <- proc.time() - t0
    secs <- dt[["user.self"]] + dt[["sys.self"]]   # CPU seconds of this (single-threaded) R process
    wall <- dt[["elapsed"]]
    if (inherits(fc, "error")) {
      meth[[length(meth) + 1]] <- data.frame(trace = tr, model = model, origin = o,
                                             method = paste("ERROR:", conditionMessage(fc)),
                                             cpu_seconds = secs, wall_seconds = wall)
      for (hs in c(h1, H)) {
        rows[[length(rows) + 1]] <- data.frame(trace = tr, model = model, origin = o,
                                               h = hs * res, mase = NA, covered80 = NA,
                                               covered95 = NA, seconds = secs)
      }
      next
    }
    meth[[length(meth) + 1]] <- data.frame(trace = tr, model = model, origin = o,
                                           method = fc$method, cpu_seconds = secs, wall_seconds = wall)
    for (hs in c(h1, H)) {
      s <- seq_len(hs)
      a <- actual[s]
      rows[[length(rows) + 1]] <- data.frame(
        trace = tr, model = model, origin = o, h = hs * res,
        mase = mean(abs(a - fc$mean[s])) / scale,
        covered80 = mean(a >= fc$lo80[s] & a <= fc$hi80[s]),
        covered95 = mean(a >= fc$lo95[s] & a <= fc$hi95[s]),
        seconds = secs)
    }
  }
  list(rows = do.call(rbind, rows), meth = do.call(rbind, meth),
       scales = data.frame(trace = tr, origin = o, resolution_seconds = res,
                           fit_steps = length(hist), scale_naive1 = scale, scale_snaive = scale_s))
}

# rank of each origin within its trace (1-based), used to thin auto.arima's origins
origins$rank <- ave(seq_len(nrow(origins)), origins$trace, FUN = seq_along)

load_avg <- function() tryCatch(strsplit(readLines("/proc/loadavg", n = 1), " ")[[1]][1],
                                 error = function(e) "?")
load_start <- load_avg()
t_start <- proc.time()[["elapsed"]]
idx <- seq_len(nrow(origins))
done <- 0
if (opt$jobs > 1) {
  out <- mclapply(idx, run_origin, mc.cores = opt$jobs, mc.preschedule = FALSE)
} else {
  out <- lapply(idx, function(r) {
    z <- run_origin(r)
    done <<- done + 1
    if (done %% 10 == 0 || done == length(idx))
      message(sprintf("  %d/%d origins, %.0f s", done, length(idx),
                      proc.time()[["elapsed"]] - t_start))
    z
  })
}
bad <- vapply(out, function(z) inherits(z, "try-error"), logical(1))
if (any(bad)) stop("worker failed: ", paste(unlist(out[bad]), collapse = "; "))
res_df <- do.call(rbind, lapply(out, `[[`, "rows"))
meth_df <- do.call(rbind, lapply(out, `[[`, "meth"))
write.csv(meth_df, file.path(opt$dir, "r_methods.csv"), row.names = FALSE)
scales_df <- do.call(rbind, lapply(out, `[[`, "scales"))
write.csv(scales_df, file.path(opt$dir, "r_scales.csv"), row.names = FALSE, quote = FALSE)
# MASE_s: the same errors scaled by the daily seasonal naive's in-sample MAE instead
res_df$mase_s <- res_df$mase * scales_df$scale_naive1[match(paste(res_df$trace, res_df$origin),
                                                            paste(scales_df$trace, scales_df$origin))] /
  scales_df$scale_snaive[match(paste(res_df$trace, res_df$origin),
                               paste(scales_df$trace, scales_df$origin))]

write.csv(res_df[, c("trace", "model", "origin", "h", "mase", "covered80", "covered95", "seconds")],
          file.path(opt$dir, "r_results.csv"), row.names = FALSE, quote = FALSE)

# --- summary: median MASE and seconds over origins; coverage = mean over origins (pooled share) ---

summarise <- function(d, label) {
  out <- list()
  for (model in MODELS) {
    dm <- d[d$model == model, ]
    if (nrow(dm) == 0) next
    d1 <- dm[dm$h == 3600, ]; d24 <- dm[dm$h == DAY, ]
    out[[length(out) + 1]] <- data.frame(
      trace = label, model = model, origins = nrow(d24),
      failed = sum(is.na(d24$mase)),
      mase_1h = median(d1$mase, na.rm = TRUE), mase_24h = median(d24$mase, na.rm = TRUE),
      mase_s_1h = median(d1$mase_s, na.rm = TRUE), mase_s_24h = median(d24$mase_s, na.rm = TRUE),
      cov80_1h = mean(d1$covered80, na.rm = TRUE), cov95_1h = mean(d1$covered95, na.rm = TRUE),
      cov80_24h = mean(d24$covered80, na.rm = TRUE), cov95_24h = mean(d24$covered95, na.rm = TRUE),
      seconds = median(d24$seconds),
      wall_seconds = median(meth_df$wall_seconds[meth_df$model == model &
                                                   paste(meth_df$trace, meth_df$origin) %in%
                                                   paste(d24$trace, d24$origin)]))
  }
  do.call(rbind, out)
}
traces <- unique(origins$trace)
res5 <- unique(origins$trace[origins$resolution_seconds == 300])
summ <- do.call(rbind, c(lapply(traces, function(tr) summarise(res_df[res_df$trace == tr, ], tr)),
                         list(summarise(res_df[res_df$trace %in% res5, ], "ALL_5min"),
                              summarise(res_df, "ALL"))))
write.csv(summ, file.path(opt$dir, "r_summary.csv"), row.names = FALSE)

fmt <- summ
for (c in c("mase_1h", "mase_24h", "mase_s_1h", "mase_s_24h")) fmt[[c]] <- sprintf("%.3f", fmt[[c]])
for (c in c("cov80_1h", "cov95_1h", "cov80_24h", "cov95_24h")) fmt[[c]] <- sprintf("%.0f%%", 100 * fmt[[c]])
fmt$seconds <- sprintf("%.4f", fmt$seconds)
fmt$wall_seconds <- sprintf("%.4f", fmt$wall_seconds)
cat("\nMedian over origins (MASE; CPU s and wall s = fit + 24 h forecast); coverage = share of actuals inside",
    "the interval over all origins' steps 1..1h / 1..24h (nominal 80 % / 95 %)\n\n")
cat("MASE_s = same errors scaled by the daily seasonal naive's in-sample MAE (r_scales.csv)\n\n")
cat("| trace | model | origins | MASE 1h | MASE 24h | MASE_s 1h | MASE_s 24h | cov80 1h | cov95 1h | cov80 24h | cov95 24h | CPU s | wall s |\n")
cat("|---|---|---|---|---|---|---|---|---|---|---|---|---|\n")
for (r in seq_len(nrow(fmt))) {
  f <- fmt[r, ]
  cat(sprintf("| %s | %s | %d%s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s |\n", f$trace, f$model, f$origins,
              if (f$failed > 0) sprintf(" (%d failed)", f$failed) else "",
              f$mase_1h, f$mase_24h, f$mase_s_1h, f$mase_s_24h, f$cov80_1h, f$cov95_1h, f$cov80_24h, f$cov95_24h, f$seconds, f$wall_seconds))
}
cat(sprintf("\nR %s, forecast %s; %d origins, %.0f s wall; load average at start %s, at end %s\n",
            getRversion(), as.character(packageVersion("forecast")), nrow(origins),
            proc.time()[["elapsed"]] - t_start, load_start, load_avg()))
