// Progressive enhancement only; every page works without it. No inline scripts (CSP).
document.querySelectorAll("select[data-autosubmit], input[data-autosubmit]").forEach((select) => {
  select.addEventListener("change", () => select.form.requestSubmit());
  const button = select.form.querySelector("[data-autosubmit-button]");
  if (button) button.classList.add("visually-hidden");
});

// Forms that destroy something ask first.
document.querySelectorAll("form[data-confirm]").forEach((form) => {
  form.addEventListener("submit", (event) => {
    if (!window.confirm(form.dataset.confirm)) event.preventDefault();
  });
});

// A job in progress: poll it, reload the page when it has ended.
document.querySelectorAll("[data-job-url]").forEach((element) => {
  const bar = element.querySelector(".progress-bar");
  const summary = element.querySelector("[data-job-summary]");
  const poll = async () => {
    const response = await fetch(element.dataset.jobUrl, { credentials: "same-origin" });
    if (!response.ok) return;
    const job = await response.json();
    const percent = job.percent ?? 0;
    bar.style.width = `${percent}%`;
    bar.textContent = `${percent}%`;
    summary.textContent = job.summary;
    if (job.status === "queued" || job.status === "running") window.setTimeout(poll, 1500);
    else window.location.reload();
  };
  window.setTimeout(poll, 1000);
});
