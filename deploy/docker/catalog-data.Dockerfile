# syntax=docker/dockerfile:1.7
#
# A catalog data image: the standard files one catalog release is imported
# from, plus the import parameters that belong to them. The catalog pod's
# first init container copies /data into a shared emptyDir, the second runs
# ca-import over it (--flagfile=/import/import.flags), and ca-catalog loads
# the result. Versioning the data apart from the code means a new quarter's
# files ship as a new data tag, without a code build.
#
# Two named build contexts say where the files come from:
#   hcpcs  a folder of HCPCS YYYY/ release folders and *recordlayout*.txt
#   cpt    a folder holding the CPT descriptor file named by CPT_FILE
#
# Sample data (placeholder CPT wording, public HCPCS files), from the repository root:
#   docker build -f deploy/docker/catalog-data.Dockerfile \
#     --build-context hcpcs=../shared/data/hcpcs \
#     --build-context cpt=services/catalog/testdata \
#     --build-arg CPT_FILE=cpt_sample.tsv \
#     -t codingahead/catalog-data:hcpcs2019-cptsample deploy/docker
# A licensed AMA CPT file: point `cpt` at the licensed folder, set
# CPT_FILE, CPT_YEAR and CPT_PLACEHOLDER=false, and push the image to a
# private registry only (the text is licensed).
FROM debian:bookworm-slim
ARG CPT_FILE=cpt.tsv
ARG CPT_YEAR=2019
ARG CPT_PLACEHOLDER=true
COPY --from=hcpcs . /data/hcpcs/
COPY --from=cpt ${CPT_FILE} /data/cpt/cpt.tsv
RUN printf -- '--cpt_year=%s\n--cpt_placeholder=%s\n' "${CPT_YEAR}" "${CPT_PLACEHOLDER}" \
      > /data/import.flags \
 && chmod -R a+rX /data
LABEL org.opencontainers.image.title="codingahead catalog data" \
      org.opencontainers.image.description="Files for ca-import; see deploy/docker/catalog-data.Dockerfile"
USER 10001:10001
ENTRYPOINT ["cp", "-R", "/data/.", "/import/"]
