-- Run once by the postgres image when the data folder is first created: one
-- database per service, as scripts/up.sh makes locally. Each service applies
-- its own migrations at start-up.
CREATE DATABASE codingahead_account;
CREATE DATABASE codingahead_jobs;
CREATE DATABASE codingahead_assistant;
