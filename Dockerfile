# One image for every Breachroom process (web, worker, beat, relay); compose picks the command.
FROM python:3.11-slim
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 BREACHROOM_VAR_DIR=/var/lib/breachroom
WORKDIR /app
COPY requirements/base.lock requirements/base.lock
RUN pip install --no-cache-dir -r requirements/base.lock
COPY . .
RUN useradd --system --home /app breachroom \
 && mkdir -p /var/lib/breachroom && chown breachroom /var/lib/breachroom
USER breachroom
EXPOSE 8000
CMD ["python", "-m", "uvicorn", "config.asgi:application", "--host", "0.0.0.0", "--port", "8000", "--lifespan", "on"]
